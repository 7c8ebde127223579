import { envVariableProblem } from './env-access.js';
import { registerSecret } from './http/secrets.js';
import { parseTemplate } from './template.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A configured value that may name environment variables and nothing else (`Bearer
 * {env.SKEIN_SOURCE_SHOP_TOKEN}`, a broker password, a trigger's header), filled in once
 * when the schema is read. Throws an Error saying what is wrong (a placeholder that is not
 * `{env.NAME}`, a variable sources may not read, one that is not set); `what` names the
 * value in it. A value that names a variable is registered as a secret (never shown in an
 * error or a log line), as is any value when `secret` says the value is a credential.
 */
export function fillEnvTemplate(text: string, what: string, options: { env?: Env; secret?: boolean; escape?: (value: string) => string } = {}): string {
  const env = options.env ?? process.env;
  let template;
  try {
    template = parseTemplate(text);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
  for (const placeholder of template.placeholders) {
    if (placeholder.length !== 2 || placeholder[0] !== 'env') {
      throw new Error(`${what}: {${placeholder.join('.')}} is not a placeholder it can fill; only {env.NAME} placeholders are allowed`);
    }
    const problem = envVariableProblem(placeholder[1], env);
    if (problem) throw new Error(`${what}: ${problem}`);
  }
  const value = template.render({ env }, options.escape) ?? '';
  if (options.secret || template.placeholders.length > 0) registerSecret(value);
  return value;
}
