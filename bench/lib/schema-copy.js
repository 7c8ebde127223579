// Variants of a schema folder under bench/.work/: a copy whose relative `wsdl:` paths are
// made absolute (so the copy still finds its WSDLs), with an optional edit of each file.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function copySchema(from, to, edit = (text) => text) {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
  for (const entry of readdirSync(to, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.graphql')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const original = path.join(from, path.relative(to, file));
    const text = readFileSync(file, 'utf8').replace(/wsdl: "([^"]+)"/g, (whole, location) =>
      /^[a-z]+:/i.test(location) || path.isAbsolute(location) ? whole : `wsdl: "${path.resolve(path.dirname(original), location)}"`,
    );
    writeFileSync(file, edit(text, entry.name));
  }
  return to;
}
