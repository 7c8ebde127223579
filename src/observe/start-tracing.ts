import type { Logger } from './logger.js';
import type { Tracing } from './tracing.js';
import type { TracingSettings } from './tracing-settings.js';

/**
 * The gateway's tracing. The OpenTelemetry SDK and its exporters (about 19 MB of memory
 * and most of a second to load) are imported here, so a gateway that does not trace never
 * loads them.
 */
export async function startTracing(settings: TracingSettings, version: string, logger: Logger): Promise<Tracing> {
  const { Tracing } = await import('./tracing.js');
  return new Tracing(settings, version, logger);
}
