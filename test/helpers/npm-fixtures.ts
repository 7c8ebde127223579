import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
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
  const output = execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const tarball = path.join(folder, output.split('\n').pop() ?? readdirSync(folder).find((f) => f.endsWith('.tgz'))!);
  execFileSync('tar', ['-xzf', tarball, '-C', folder]);
  if (!existsSync(target)) throw new Error(`${spec} has no file ${file}`);
  return target;
}
