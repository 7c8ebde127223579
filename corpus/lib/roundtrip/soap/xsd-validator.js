// Validates XML payloads against a WSDL's schemas with a real XSD validator: xmllint
// (Debian's libxml2-utils). The schemas are cut out of the WSDL (and the XSD files it
// imports) into a temporary folder, where every import and include is rewired to those
// copies, so xmllint sees exactly the schemas the WSDL carries and reads nothing else.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { elementToText, escapeXml } from './xml-text.js';

const run = promisify(execFile);
const XS = 'http://www.w3.org/2001/XMLSchema';

/** True when `xmllint` can be run. */
export async function hasXmllint() {
  try {
    await run('xmllint', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the schemas (SchemaDocument[] from dist/sources/soap/wsdl/load-documents.js) as
 * one schema set; returns { validate(payloads) → [{ valid, errors }] | { compiled: false, message }, close() }.
 */
export async function schemaValidator(schemaDocuments) {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'skein-xsd-'));
  const namespaces = [...new Set(schemaDocuments.map((d) => d.targetNamespace))];
  const nsFile = (namespace) => `ns-${namespaces.indexOf(namespace)}.xsd`;
  const importOf = (namespace) =>
    namespace === ''
      ? `<xs:import xmlns:xs="${XS}" schemaLocation="${nsFile('')}"/>`
      : `<xs:import xmlns:xs="${XS}" namespace="${escapeXml(namespace)}" schemaLocation="${nsFile(namespace)}"/>`;
  const documentsOf = new Map(namespaces.map((n) => [n, []]));
  for (const [index, document] of schemaDocuments.entries()) {
    const file = `doc-${index}.xsd`;
    documentsOf.get(document.targetNamespace).push(file);
    // The original imports and includes point at files or URLs of their own; each namespace's copies replace them.
    const kept = document.element.children.filter((c) => !(c.uri === document.element.uri && ['import', 'include', 'redefine'].includes(c.local)));
    const text = elementToText({ ...document.element, children: kept });
    const imports = namespaces.filter((n) => n !== document.targetNamespace).map(importOf).join('');
    await writeFile(path.join(folder, file), insertAfterStartTag(text, imports));
  }
  for (const namespace of namespaces) {
    const includes = documentsOf.get(namespace).map((file) => `<xs:include schemaLocation="${file}"/>`).join('');
    const target = namespace === '' ? '' : ` targetNamespace="${escapeXml(namespace)}"`;
    await writeFile(path.join(folder, nsFile(namespace)), `<xs:schema xmlns:xs="${XS}"${target}>${includes}</xs:schema>`);
  }
  const main = namespaces.map((n) => (n === '' ? `<xs:include schemaLocation="${nsFile('')}"/>` : importOf(n))).join('');
  await writeFile(path.join(folder, 'main.xsd'), `<xs:schema xmlns:xs="${XS}">${main}</xs:schema>`);

  let counter = 0;
  return {
    folder,
    async validate(payloads) {
      if (payloads.length === 0) return [];
      const files = [];
      for (const payload of payloads) {
        const file = `payload-${++counter}.xml`;
        await writeFile(path.join(folder, file), payload);
        files.push(file);
      }
      let stderr;
      try {
        ({ stderr } = await run('xmllint', ['--noout', '--nonet', '--schema', 'main.xsd', ...files], { cwd: folder, maxBuffer: 64 << 20 }));
      } catch (error) {
        if (typeof error.stderr !== 'string') throw error;
        stderr = error.stderr;
      }
      if (/failed to compile/.test(stderr)) {
        const firstError = stderr.split('\n').find((line) => /error/i.test(line)) ?? stderr.split('\n')[0];
        return { compiled: false, message: firstError.replace(/^.*?\.xsd:\d+: /, '').trim() };
      }
      const lines = stderr.split('\n');
      return files.map((file) => ({
        valid: lines.includes(`${file} validates`),
        errors: lines.filter((line) => line.startsWith(`${file}:`)).map((line) => line.slice(file.length + 1).replace(/^\d+: /, '').trim()),
      }));
    },
    close: () => rm(folder, { recursive: true, force: true }),
  };
}

/** `<xs:schema …>` + imports + the rest: imports must come before any declaration. */
function insertAfterStartTag(text, insert) {
  if (insert === '') return text;
  if (/^<[^>]*\/>$/.test(text)) return text.replace(/\/>$/, `>${insert}</${text.match(/^<([^\s>/]+)/)[1]}>`);
  const end = text.indexOf('>') + 1;
  return text.slice(0, end) + insert + text.slice(end);
}
