import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SchemaInput } from '../schema/index.js';
import { readSourceHeader } from './documents.js';
import type { Upload } from './registry.js';

/**
 * A schema folder as one upload: every source file with the files it names by relative
 * path (a SOAP source's WSDL), every composite document. `skein serve` seeds the
 * registry with it, `skein push` sends it to a running gateway.
 */
export function folderUpload(input: SchemaInput): Pick<Upload, 'sources' | 'composites'> {
  return {
    sources: input.sources.map((file) => {
      const { wsdlFile } = readSourceHeader(file.text, file.path);
      const attachments: Record<string, string> = {};
      if (wsdlFile) {
        const wsdlPath = path.resolve(path.dirname(file.path), wsdlFile);
        if (!existsSync(wsdlPath)) throw new Error(`${file.path} names the WSDL file ${wsdlFile}, which is not at ${wsdlPath}`);
        attachments[wsdlFile] = readFileSync(wsdlPath, 'utf8');
      }
      return { sdl: file.text, file: file.path, attachments };
    }),
    composites: input.composites.map((file) => ({ document: file.text, file: file.path })),
  };
}
