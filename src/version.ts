import { readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * The `version` of Skein's package.json (one folder up from both src/ and dist/), read
 * once. Dependency-free, so the CLI can print it without loading anything heavy.
 */
export function skeinVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
