// Where things are: the repository, bench/, and the git-ignored bench/.work/ for logs,
// registries, fixtures, profiles and the peer's copy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.dirname(BENCH);
export const WORK = process.env.BENCH_WORK_DIR ? path.resolve(process.env.BENCH_WORK_DIR) : path.join(BENCH, '.work');
export const SKEIN_BIN = path.join(ROOT, 'bin', 'skein.js');
export const SCHEMA = path.join(BENCH, 'schema');
