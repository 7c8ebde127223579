// The document the mock serves, read independently of Skein's importer: parsed (JSON or
// YAML), a Swagger 2.0 one converted to OpenAPI 3.0 by swagger2openapi (the request
// validator and the sampler read 3.x), and a dereferenced copy for the validator.
import { readFile } from 'node:fs/promises';
import swagger2openapi from 'swagger2openapi';
import { parse as parseYaml } from 'yaml';
import { dereference } from 'openapi-backend/refparser.js';

/** { document, dereferenced, basePath? } of an OpenAPI 2.0, 3.0 or 3.1 file. */
export async function readDocument(file) {
  const text = await readFile(file, 'utf8');
  let document = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  if (document.swagger === '2.0') {
    // patch: repair what the converter can (a missing path parameter, …); warnOnly: convert
    // a document with problems rather than refuse it, as Skein's lenient import does.
    document = (await swagger2openapi.convertObj(document, { patch: true, warnOnly: true })).openapi;
  }
  const forSampling = withoutExamples(document);
  // The validator needs every $ref resolved; the sampler follows $refs itself, in a copy
  // (json-schema-ref-parser replaces them in place).
  const dereferenced = await dereference(structuredClone(forSampling), { dereference: { circular: true } });
  return { document: forSampling, dereferenced };
}

/**
 * A copy for the mock (documented in ../README.md): without `example`/`examples`: the sampler answers an `example` as it is, and a
 * document's examples leave out optional properties and often do not match their schema;
 * without them every value is generated from the schema (every property, enum's first value,
 * a format's sample). Only schema-level keys are removed: a property named `example` stays.
 */
function withoutExamples(value, parentKey) {
  if (Array.isArray(value)) return value.map((item) => withoutExamples(item));
  if (!value || typeof value !== 'object') return value;
  // Siblings of a $ref (ignored by OpenAPI 3.0) make json-schema-ref-parser merge a shallow
  // copy, whose shared `properties` openapi-backend's decycle then turns into an invalid
  // `properties: { $ref }`: the mock reads the reference alone.
  if (typeof value.$ref === 'string' && parentKey !== 'properties') return { $ref: value.$ref };
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    const isPropertyMap = parentKey === 'properties' || parentKey === 'patternProperties';
    // ajv refuses `nullable` without `type` (the schema allows null anyway without one).
    if (!isPropertyMap && key === 'nullable' && value.type === undefined) continue;
    if (!isPropertyMap && (key === 'example' || key === 'examples' || key === 'x-example' || key === 'x-examples')) continue;
    out[key] = withoutExamples(item, isPropertyMap ? undefined : key);
  }
  // A schema with properties and no type is an object to every reader, Skein's importer
  // included; openapi-sampler answers null for one under allOf (Zoom's roles), so say it.
  // The sampler answers "string" for format byte, which is not base64.
  if (parentKey !== 'properties' && out.format === 'byte' && out.type === 'string' && out.enum === undefined) out.example = 'c2tlaW4=';
  if (parentKey !== 'properties' && out.properties && typeof out.properties === 'object' && out.type === undefined) out.type = 'object';
  return out;
}
