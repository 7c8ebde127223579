import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `file` beside the module at `moduleUrl`, as plain JavaScript for a worker thread. When
 * that module runs from the TypeScript sources (the tests), the file is its compiled twin
 * in dist/, which `npm run build` wrote. `what` names it in the error when neither exists.
 */
export function compiledFile(moduleUrl: string, file: string, what: string): URL {
  const here = new URL(file, moduleUrl);
  if (existsSync(fileURLToPath(here))) return here;
  const at = here.pathname.lastIndexOf('/src/');
  const compiled = new URL(`${here.pathname.slice(0, at)}/dist/${here.pathname.slice(at + '/src/'.length)}`, here);
  if (at >= 0 && existsSync(fileURLToPath(compiled))) return compiled;
  throw new Error(`${what} is not compiled: ${fileURLToPath(compiled)} is missing; run npm run build`);
}
