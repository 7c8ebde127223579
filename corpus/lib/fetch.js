// Fetches npm packages with `npm pack` into corpus/.work/packages/ (git-ignored), once.
// The same approach as test/helpers/npm-fixtures.ts and bench/lib/fixtures.js.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const WORK = path.join(CORPUS, '.work');

/** The folder a package `spec` (name@version) is unpacked into, fetched on first use. */
export function packageFolder(spec, cache = path.join(WORK, 'packages')) {
  const folder = path.join(cache, spec.replace(/[^A-Za-z0-9.@-]+/g, '_'));
  const done = path.join(folder, '.unpacked');
  if (existsSync(done)) return folder;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const output = execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const tarball = path.join(folder, output.split('\n').pop() || readdirSync(folder).find((f) => f.endsWith('.tgz')));
  execFileSync('tar', ['-xzf', tarball, '-C', folder]);
  rmSync(tarball, { force: true });
  writeFileSync(done, '');
  return folder;
}

/** Every file under `folder` whose name passes `keep`, as paths relative to `root`, sorted. */
export function filesUnder(folder, keep, root = folder) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (keep(entry.name)) found.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(folder);
  return found.sort();
}

/**
 * Whether a document's root element is a WSDL 1.1 `definitions` or a WSDL 2.0 `description`
 * (kept, so the corpus reports WSDL 2.0 as the failure it is rather than hiding it).
 */
export function hasWsdlRoot(file) {
  const text = readFileSync(file, 'utf8').slice(0, 64 * 1024);
  const root = /<(?![?!])([A-Za-z_][\w.-]*:)?(definitions|description)\b[^>]*>/.exec(text.replace(/<!--[\s\S]*?-->/g, ''));
  if (!root || text.replace(/<!--[\s\S]*?-->/g, '').search(/<(?![?!])/) !== root.index) return false;
  return /"http:\/\/schemas\.xmlsoap\.org\/wsdl\/"|"http:\/\/www\.w3\.org\/ns\/wsdl"/.test(root[0]);
}

export function contentHash(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * The corpus: every OpenAPI document of the directory package, and every distinct WSDL
 * (by content hash; the first package and path that has it names it) of the WSDL packages:
 * files named *.wsdl (or *?wsdl), and *.xml files whose root is a WSDL's.
 * Each document is { corpus, spec, path, file }.
 */
export function corpusDocuments(packages, log = () => {}) {
  const documents = [];
  log(`fetching ${packages.openapi.spec}`);
  const directory = packageFolder(packages.openapi.spec);
  for (const rel of filesUnder(path.join(directory, packages.openapi.folder), (n) => /\.(json|ya?ml)$/.test(n), directory)) {
    documents.push({ corpus: 'openapi', spec: packages.openapi.spec, path: rel, file: path.join(directory, rel) });
  }
  const seen = new Set();
  for (const spec of packages.wsdl) {
    log(`fetching ${spec}`);
    const folder = packageFolder(spec);
    for (const rel of filesUnder(folder, (n) => /[.?]wsdl$|\.xml$/i.test(n))) {
      const file = path.join(folder, rel);
      // A WSDL may be saved as .xml (or Service.svc?wsdl): those count when their root is one.
      if (/\.xml$/i.test(rel) && !hasWsdlRoot(file)) continue;
      const hash = contentHash(file);
      if (seen.has(hash)) continue;
      seen.add(hash);
      documents.push({ corpus: 'wsdl', spec, path: rel, file });
    }
  }
  return documents;
}
