import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const CACHE = path.resolve('test/.fixtures');

/**
 * The path of a file inside a published npm package, fetched with `npm pack` on first
 * use and cached under test/.fixtures (git-ignored). Vendor documents (Petstore, GitHub,
 * FedEx WSDLs) are used this way so they are never committed.
 *
 *   await packageFile('@readme/oas-examples@8.2.2', 'package/3.0/json/petstore.json')
 */
export function packageFile(spec: string, file: string): string {
  const folder = path.join(CACHE, spec.replace(/[^A-Za-z0-9.@-]+/g, '_'));
  const target = path.join(folder, file);
  if (existsSync(target)) return target;
  mkdirSync(folder, { recursive: true });
  // Test files run in parallel processes: one fetches, the others wait for it.
  const lock = `${folder}.lock`;
  if (!acquire(lock)) {
    waitFor(() => !existsSync(lock));
    if (existsSync(target)) return target;
    return packageFile(spec, file);
  }
  try {
    return fetchInto(spec, folder, target, file);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function fetchInto(spec: string, folder: string, target: string, file: string): string {
  const output = execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const tarball = path.join(folder, output.split('\n').pop() ?? readdirSync(folder).find((f) => f.endsWith('.tgz'))!);
  execFileSync('tar', ['-xzf', tarball, '-C', folder]);
  if (!existsSync(target)) throw new Error(`${spec} has no file ${file}`);
  return target;
}

function acquire(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    // A lock left by a killed run is stale after two minutes.
    if (Date.now() - statSync(lock).mtimeMs > 120_000) {
      rmSync(lock, { recursive: true, force: true });
      return acquire(lock);
    }
    return false;
  }
}

function waitFor(done: () => boolean): void {
  const until = Date.now() + 120_000;
  while (!done() && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
}
