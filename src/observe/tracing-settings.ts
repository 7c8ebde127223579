import { readFileSync } from 'node:fs';

/** How the gateway traces: read from the standard `OTEL_*` variables, or given by a test. */
export interface TracingSettings {
  /** Where spans are POSTed (OTLP over HTTP), the full URL including `/v1/traces`. */
  readonly endpoint: string;
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /** Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES`). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Headers sent with each export (`OTEL_EXPORTER_OTLP_HEADERS`), e.g. a collector's API key. */
  readonly headers: Readonly<Record<string, string>>;
  /** The OTLP encoding: `http/json` or `http/protobuf` (the default, as the specification says). */
  readonly protocol: 'http/json' | 'http/protobuf';
  readonly sampler: SamplerSetting;
  /** The batch processor: spans waiting for export (the rest are dropped), delay between exports, batch size, export timeout. */
  readonly maxQueueSize: number;
  readonly scheduledDelayMs: number;
  readonly maxExportBatchSize: number;
  readonly exportTimeoutMs: number;
  /** Exports gzipped (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`) or not (the default). */
  readonly compression: 'gzip' | 'none';
  /** The collector's TLS: a CA to trust instead of the system's, a client certificate and its key (`OTEL_EXPORTER_OTLP_CERTIFICATE`, …). */
  readonly tls: CollectorTls;
}

/** PEM contents, read from the files the variables name. */
export interface CollectorTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export interface SamplerSetting {
  /** `always_on`, `always_off`, `traceidratio`, and their `parentbased_` forms (the specification's names). */
  readonly name: SamplerName;
  /** The ratio of `traceidratio` samplers, 0 to 1. */
  readonly ratio: number;
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Tracing as the OpenTelemetry environment variables configure it, or undefined when it
 * is off: no OTLP endpoint is set, `OTEL_SDK_DISABLED=true`, or `OTEL_TRACES_EXPORTER=none`.
 * Off means no plugin, no span and no propagation work on any request.
 * Throws on a value it cannot read, naming the variable and what it accepts.
 */
export function tracingSettingsFromEnvironment(env: Environment = process.env): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter && exporter !== 'otlp') {
    throw new Error(`OTEL_TRACES_EXPORTER is "${exporter}"; Skein exports traces with "otlp" (over HTTP) or not at all ("none")`);
  }
  const endpoint = tracesEndpoint(env);
  if (!endpoint) return undefined;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL is "${protocol}"; Skein exports OTLP over HTTP: "http/protobuf" or "http/json" (not grpc)`);
  }
  return {
    endpoint,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || resourceAttributes(env).get('service.name') || 'skein',
    resourceAttributes: Object.fromEntries(resourceAttributes(env)),
    headers: keyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'),
    protocol,
    sampler: samplerOf(env),
    maxQueueSize: count(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
    scheduledDelayMs: count(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
    maxExportBatchSize: count(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    exportTimeoutMs: count(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', count(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', 10_000)),
    compression: compressionOf(env),
    tls: collectorTls(env),
  };
}

/** The traces URL: the signal's own variable as given, or the base endpoint with `/v1/traces` (as the specification says). */
function tracesEndpoint(env: Environment): string | undefined {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const [variable, url] = own ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', own] : base ? ['OTEL_EXPORTER_OTLP_ENDPOINT', `${base.replace(/\/+$/, '')}/v1/traces`] : [];
  if (!variable || !url) return undefined;
  if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`${variable} must be an http:// or https:// URL (OTLP over HTTP), such as http://localhost:4318`);
  return url;
}

function samplerOf(env: Environment): SamplerSetting {
  const name = (env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(name)) throw new Error(`OTEL_TRACES_SAMPLER is "${name}"; it takes one of ${SAMPLERS.join(', ')}`);
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = arg ? Number(arg) : 1;
  if (name.endsWith('traceidratio') && !(ratio >= 0 && ratio <= 1)) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG is "${arg}"; ${name} takes a ratio from 0 to 1, such as 0.1`);
  }
  return { name, ratio };
}

function count(env: Environment, variable: string, fallback: number): number {
  const text = env[variable]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${variable} is "${text}"; it takes a whole number above 0`);
  return value;
}

function resourceAttributes(env: Environment): Map<string, string> {
  return new Map(Object.entries(keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES')));
}

/** `key1=value1,key2=value2` with percent-encoded values, as the OTel variables write them. */
function keyValues(text: string | undefined, variable: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const [index, item] of (text ?? '').split(',').entries()) {
    if (!item.trim()) continue;
    const at = item.indexOf('=');
    // The item itself is not shown: a headers variable carries credentials.
    if (at <= 0) throw new Error(`${variable}: item ${index + 1} has no "="; it takes key=value pairs separated by commas`);
    try {
      pairs[item.slice(0, at).trim()] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      throw new Error(`${variable} has a badly percent-encoded value for "${item.slice(0, at).trim()}"`);
    }
  }
  return pairs;
}

function compressionOf(env: Environment): 'gzip' | 'none' {
  const [variable, value] = signalOwn(env, 'COMPRESSION');
  const compression = (value ?? 'none').trim().toLowerCase();
  if (compression !== 'gzip' && compression !== 'none') throw new Error(`${variable} is "${value}"; it may be "gzip" or "none"`);
  return compression;
}

/** The TLS files, read now: one that cannot be read stops the start, naming its variable. */
function collectorTls(env: Environment): CollectorTls {
  const read = (name: string): Buffer | undefined => {
    const [variable, path] = signalOwn(env, name);
    if (!path?.trim()) return undefined;
    try {
      return readFileSync(path.trim());
    } catch (error) {
      throw new Error(`${variable} names ${path.trim()}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it should be a PEM file`);
    }
  };
  return { ca: read('CERTIFICATE'), cert: read('CLIENT_CERTIFICATE'), key: read('CLIENT_KEY') };
}

/** The traces' own variable (`OTEL_EXPORTER_OTLP_TRACES_<name>`) when set, else the general one; with the name of the one read. */
function signalOwn(env: Environment, name: string): [string, string | undefined] {
  const own = `OTEL_EXPORTER_OTLP_TRACES_${name}`;
  return env[own] !== undefined ? [own, env[own]] : [`OTEL_EXPORTER_OTLP_${name}`, env[`OTEL_EXPORTER_OTLP_${name}`]];
}
