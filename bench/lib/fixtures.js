// Vendor documents for scenario 5, fetched once with `npm pack` into bench/.work/fixtures/
// (git-ignored), never committed. The same approach as test/helpers/npm-fixtures.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { WORK } from './paths.js';

export const GITHUB = { spec: '@octokit/openapi@23.0.2', file: 'package/generated/api.github.com.json' };
export const FEDEX = { spec: 'node-shipping-fedex@1.0.0', file: 'package/lib/wsdl/ShipService_v19.wsdl' };

/** The path of `file` inside the npm package `spec`, fetched on first use. */
export function packageFile({ spec, file }) {
  const folder = path.join(WORK, 'fixtures', spec.replace(/[^A-Za-z0-9.@-]+/g, '_'));
  const target = path.join(folder, file);
  if (existsSync(target)) return target;
  mkdirSync(folder, { recursive: true });
  const output = execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const tarball = path.join(folder, output.split('\n').pop() || readdirSync(folder).find((f) => f.endsWith('.tgz')));
  execFileSync('tar', ['-xzf', tarball, '-C', folder]);
  if (!existsSync(target)) throw new Error(`${spec} has no file ${file}`);
  return target;
}
