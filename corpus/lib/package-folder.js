// Where a corpus document's package was unpacked: the schema folder a user who brought that
// package's documents would have, so a WSDL's ../xsd imports stay inside it (a source may read
// only its own folder; src/sources/document-scope.ts).
import path from 'node:path';

/** The `package/` folder `npm pack` unpacked the document into, else the document's own folder. */
export function packageFolder(file) {
  const parts = path.resolve(file).split(path.sep);
  const at = parts.lastIndexOf('package');
  return at > 0 ? parts.slice(0, at + 1).join(path.sep) : path.dirname(path.resolve(file));
}
