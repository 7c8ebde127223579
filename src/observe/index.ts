export type { Tracing } from './tracing.js';
export { startTracing } from './start-tracing.js';
export { TraceScope } from './trace-scope.js';
export { tracingSettingsFromEnvironment, type TracingSettings, type SamplerSetting, type SamplerName } from './tracing-settings.js';
export { traceRequests, requestSpanOf, type RequestSpan } from './request-span.js';
export { createLogger, logLevelFrom, redactText, requestFields, LOG_LEVELS, type Logger, type LoggerOptions } from './logger.js';
export { SEMCONV } from './attributes.js';
