import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import type { TraceScope } from './trace-scope.js';

/** The gateway's logger: pino, one JSON object per line. */
export type Logger = PinoLogger;

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  /** `info` by default. */
  readonly level?: LevelWithSilent;
  /** Where lines go; standard error by default (standard output is the CLI's). A test passes its own. */
  readonly destination?: { write(line: string): void };
}

/**
 * The gateway's one logger: JSON lines (`level` as a word, `time` in ISO 8601, `msg`), each
 * line about a request with `request_id` and, when tracing is on, `trace_id` and `span_id`
 * (`requestFields`). Nothing secret is written: credential-bearing fields are censored by
 * name, and bearer tokens, URL passwords and `password=`/`token=`-style values are cut out
 * of messages and error stacks.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['authorization', 'cookie', 'password', 'token', 'secret', 'headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie'],
        censor: '[redacted]',
      },
      serializers: { err: (error: unknown) => serializeError(error) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** The fields that tie a log line to its request: its id and, when traced, the trace and span. */
export function requestFields(requestId: string | undefined, trace?: TraceScope): Record<string, string> {
  return { ...(requestId ? { request_id: requestId } : {}), ...(trace ? traceFields(trace) : {}) };
}

function traceFields(trace: TraceScope): Record<string, string> {
  const { traceId, spanId } = trace.ids();
  return { trace_id: traceId, span_id: spanId };
}

/** Reads `--log-level` / `SKEIN_LOG_LEVEL`, refusing what pino does not know. */
export function logLevelFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): LevelWithSilent {
  const text = (flag ?? env.SKEIN_LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new Error(`${flag !== undefined ? '--log-level' : 'SKEIN_LOG_LEVEL'} is "${text}"; it takes one of ${LOG_LEVELS.join(', ')}`);
  }
  return text as LevelWithSilent;
}

/** An error as a log line carries it: type, message and stack, with secrets cut out. */
function serializeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { message: redactText(String(error)) };
  return { type: error.name, message: redactText(error.message), ...(error.stack ? { stack: redactText(error.stack) } : {}) };
}

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*:[^\s/@]*@/gi, '$1[redacted]@'],
  // Authorization: Bearer xyz / Basic xyz
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [redacted]'],
  // password=…, token=…, api_key=…, secret=… in query strings and messages
  [/\b((?:[a-z_-]*(?:password|passwd|token|secret|api[-_]?key)))=[^\s&"',;]+/gi, '$1=[redacted]'],
];

/** `text` without bearer tokens, URL passwords and credential parameters. */
export function redactText(text: string): string {
  let safe = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) safe = safe.replace(pattern, replacement);
  return safe;
}
