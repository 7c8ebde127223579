import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What every importer does with the SDL it wrote: saves it where `--out` says (not for
 * `-`, standard output, which the caller writes once the check passed), before the check,
 * so a problem the check reports can be looked at in the file; then builds it as
 * `skein serve` would (the operator's own shell: documents it names may be anywhere on
 * this machine). Returns the milliseconds the check took (0 when `check` is false).
 */
export async function saveAndCheckSdl(sdl: string, out: string, check = true): Promise<number> {
  if (out !== '-') {
    await mkdir(path.dirname(path.resolve(out)), { recursive: true });
    await writeFile(out, sdl);
  }
  if (!check) return 0;
  const started = performance.now();
  const { buildGraph } = await import('../../graph/index.js');
  const file = { path: out === '-' ? '<stdout>' : out, text: sdl, documents: 'anywhere' as const };
  const built = await buildGraph({ sources: [file], composites: [] }, { onSourceError: 'fail' });
  await built.close();
  return performance.now() - started;
}
