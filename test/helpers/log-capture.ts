import { createLogger, type Logger } from '../../src/observe/index.js';

/** The gateway's real logger, writing its JSON lines into an array a test reads. */
export interface CapturedLog {
  readonly logger: Logger;
  /** Each line as written (JSON text). */
  readonly lines: string[];
  /** Each line parsed. */
  entries(): Record<string, any>[];
}

export function captureLog(level: 'info' | 'debug' | 'warn' = 'info'): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line.trimEnd()) } });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line)) };
}

/** The gateway's real logger at debug level, each JSON line handed to `sink` (or dropped). */
export function loggerTo(sink: (line: string) => void = () => {}): Logger {
  return createLogger({ level: 'debug', destination: { write: (line: string) => sink(line.trimEnd()) } });
}
