/**
 * Which environment variables a schema may name in `{env.X}` templates (header values,
 * `@rest` templates, SOAP headers and credentials). Anyone who may change a source (an
 * admin token) could otherwise have any variable sent to a server of their own, the
 * gateway's admin tokens and database password included.
 *
 * - Allowed: `SKEIN_SOURCE_*` (where `SKEIN_SOURCE_<NAME>_URL` already lives), plus what the
 *   operator lists in `SKEIN_ENV_ALLOW`: names and `PREFIX*` patterns, comma-separated
 *   (`SHOP_TOKEN,PAYROLL_*`; `*` allows every variable but the gateway's own secrets).
 * - Never, whatever the allowance: the gateway's own secrets (`GATEWAY_SECRETS`).
 */
export const ENV_ALLOW_VARIABLE = 'SKEIN_ENV_ALLOW';

/** Allowed without asking: the per-source variables' own prefix. */
export const DEFAULT_ENV_ALLOWED: readonly string[] = ['SKEIN_SOURCE_*'];

/** The gateway's own secrets: no template may name them, whatever SKEIN_ENV_ALLOW says. */
export const GATEWAY_SECRETS: readonly string[] = ['SKEIN_ADMIN_TOKEN', 'SKEIN_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'PGPASSWORD', '*JWT*'];

type Env = Readonly<Record<string, string | undefined>>;

/** Why `{env.<name>}` may not be used, or undefined when it may. The message names the setting to change. */
export function envRefusal(name: string, env: Env = process.env): string | undefined {
  if (GATEWAY_SECRETS.some((pattern) => matches(pattern, name))) {
    return `{env.${name}} names one of the gateway's own secrets (${GATEWAY_SECRETS.join(', ')}), which no source may send anywhere`;
  }
  const listed = (env[ENV_ALLOW_VARIABLE] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if ([...DEFAULT_ENV_ALLOWED, ...listed].some((pattern) => matches(pattern, name))) return undefined;
  return (
    `{env.${name}} is not an environment variable sources may read: they may read ${DEFAULT_ENV_ALLOWED.join(', ')}` +
    `${listed.length ? ` and ${listed.join(', ')}` : ''}; add ${name} to ${ENV_ALLOW_VARIABLE} (a comma-separated list of names and PREFIX_* patterns) to allow it`
  );
}

/** Why `{env.<name>}` cannot be filled from `env` (a variable sources may not read, or one not set), or undefined when it can. */
export function envVariableProblem(name: string, env: Env = process.env): string | undefined {
  return envRefusal(name, env) ?? (env[name] === undefined ? `environment variable ${name} is not set` : undefined);
}

/** One of the gateway's own secrets (GATEWAY_SECRETS), which nothing a schema declares may use. */
export function isGatewaySecret(name: string): boolean {
  return GATEWAY_SECRETS.some((pattern) => matches(pattern, name));
}

/** `NAME`, `PREFIX*`, `*SUFFIX`, `*PART*`; case-sensitive, as variables are. */
function matches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const expression = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${expression}$`).test(name);
}
