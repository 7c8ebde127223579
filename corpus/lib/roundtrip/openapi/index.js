// One OpenAPI document's round trip: Skein imports it and serves it against a mock built
// from the same document; every GET field (and a seeded sample of the others) is called
// through Skein with every field of its result selected, and must send a request the
// document allows and answer what the mock answered. See ../README.md, "## OpenAPI".
import { parse } from 'graphql';
import { importOpenAPI } from '../../../../dist/sources/rest/openapi/index.js';
import { buildGraph } from '../../../../dist/graph/index.js';
import { startGateway } from '../../../../dist/server/index.js';
import { argumentValues, resolveLocal } from './argument-values.js';
import { answerDifference } from './compare-answer.js';
import { startMockServer } from './mock-server.js';
import { readDocument } from './read-document.js';
import { printSelection, selectEverything } from './select-everything.js';
import { seededSample } from './seeded.js';
import { restBinding } from './wire.js';

const SOURCE = 'roundtrip';
// The queries select whole result trees; the gateway's request limits are for clients.
const UNLIMITED = { maxDepth: 1000, maxAliases: 1_000_000, maxDirectives: 1000, maxTokens: 10_000_000, maxCost: 1e12, maxBodyBytes: 64 * 1024 * 1024 };

/**
 * { file, operations, passed, failures, limitations }. An operation is a root field Skein
 * imported: every GET one, and up to `sampleOtherMethods` of the others (chosen by `seed`).
 * A failure ({ operation, stage: 'request' | 'answer' | 'call', message }) is Skein's; a
 * limitation ({ operation, message }) is what the harness cannot represent (an answer the
 * document's own schema refuses, an argument it cannot fill), counted in neither.
 * `transformSdl` edits the imported file before Skein serves it (the tests break it on purpose).
 */
export async function roundTripOpenAPI({ file, sampleOtherMethods = 3, timeoutMs = 10_000, maxDepth = 4, maxFields = 1500, seed = 1, transformSdl = (sdl) => sdl }) {
  const imported = await importOpenAPI(file, { source: SOURCE, validate: false });
  // A test's hook: an edit that breaks the file must show as failures.
  const sdl = transformSdl(imported.sdl);
  const sourceUrl = sourceUrlOf(sdl);
  const basePath = new URL(sourceUrl, 'http://localhost').pathname.replace(/\/+$/, '');
  const { document, dereferenced } = await readDocument(file);
  const mock = await startMockServer({ document, dereferenced, basePath });
  const closers = [() => mock.close()];
  const result = { file, operations: 0, passed: 0, failures: [], limitations: [] };
  try {
    const graph = await buildGraph(
      { sources: [{ path: `${SOURCE}.graphql`, text: sdl }], composites: [] },
      { onSourceError: 'fail', urls: { [SOURCE]: mock.origin + basePath } },
    );
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: UNLIMITED, log: process.env.ROUNDTRIP_LOG ? console.error : () => {} });
    closers.unshift(() => gateway.close());
    const schema = graph.schema;
    for (const { rootType, field, rest } of chosenFields(schema, sampleOtherMethods, seed)) {
      const operation = findOperation(dereferenced, rest);
      const name = `${rootType === schema.getMutationType() ? 'Mutation' : 'Query'}.${field.name}`;
      const label = operation ? `${name} (${operation.key})` : name;
      result.operations += 1;
      if (!operation) {
        result.failures.push({ operation: label, stage: 'call', message: `@rest ${rest.method} ${rest.path} names no operation of the document` });
        continue;
      }
      const outcome = await roundTrip({ schema, gateway, mock, document, rootType, field, rest, operation, timeoutMs, maxDepth, maxFields });
      if (outcome.limitation) result.limitations.push({ operation: label, message: outcome.limitation });
      else if (outcome.stage) result.failures.push({ operation: label, stage: outcome.stage, message: outcome.message });
      else result.passed += 1;
    }
  } finally {
    for (const close of closers) await close();
  }
  return result;
}

async function roundTrip({ schema, gateway, mock, document, rootType, field, rest, operation, timeoutMs, maxDepth, maxFields }) {
  const answer = mock.answerOf(operation.key);
  if (answer.problem) return { limitation: answer.problem };
  const originalOperation = resolveLocal(document, document.paths?.[operation.path])?.[operation.method];
  const { variables, sent, missing, unsatisfied } = argumentValues(field, rest, operation, originalOperation, document, mock.satisfies);
  if (missing.length > 0) return { limitation: `no value for required argument(s) ${missing.join(', ')}` };
  if (unsatisfied.length > 0) return { limitation: `no valid argument value for ${unsatisfied.join('; ')}` };

  const selection = selectEverything(schema, field.type, { maxDepth, budget: { fields: maxFields } });
  const declarations = Object.keys(variables).map((name) => `$${name}: ${field.args.find((a) => a.name === name).type}`);
  const call = Object.keys(variables).map((name) => `${name}: $${name}`);
  const keyword = rootType === schema.getMutationType() ? 'mutation' : 'query';
  const query =
    `${keyword} RoundTrip${declarations.length ? `(${declarations.join(', ')})` : ''} ` +
    `{ ${field.name}${call.length ? `(${call.join(', ')})` : ''} ${printSelection(selection)} }`;

  mock.expect(operation.key);
  mock.takeRequests();
  let reply;
  try {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    reply = await response.json();
  } catch (error) {
    return { stage: 'call', message: `the call failed: ${error.message}` };
  }
  const requests = mock.takeRequests();

  const unvalidated = requests.find((r) => r.unvalidated)?.unvalidated;
  if (unvalidated) return { limitation: unvalidated };
  const requestProblem = checkRequests(requests, operation, sent);
  if (requestProblem) return { stage: 'request', message: requestProblem };
  if (reply.errors?.length) {
    const message = reply.errors.map((e) => e.message).join('; ');
    return { stage: requests.length === 0 ? 'call' : 'answer', message };
  }
  const actual = reply.data?.[field.name];
  const difference = answerDifference(schema, answer.body ?? null, field.type, selection, actual, field.name);
  return difference ? { stage: 'answer', message: difference } : {};
}

/** What is wrong with the requests Skein sent for one call, or undefined. */
function checkRequests(requests, operation, sent) {
  if (requests.length === 0) return undefined; // reported with the call's error
  if (requests.length > 1) return `${requests.length} requests were sent for one call`;
  const [request] = requests;
  if (request.operation !== operation.key) {
    return `${request.method} ${request.url} reached ${request.operation ?? 'no operation'}, not ${operation.key}`;
  }
  if (request.problems.length > 0) return `${request.method} ${request.url}: ${request.problems.join('; ')}`;
  const query = new URLSearchParams(request.url.split(/\?(.*)/s)[1] ?? '');
  const names = [...query.keys()];
  const shows = (name) => (name.endsWith('[') ? names.some((key) => key.startsWith(name)) : query.has(name));
  const lost = sent.query.filter((name) => !shows(name)).map((name) => `query parameter ${name.replace(/\[$/, '[…]')}`);
  lost.push(...sent.header.filter((name) => request.headers[name.toLowerCase()] === undefined).map((name) => `header ${name}`));
  if (sent.body && request.bodyLength === 0) lost.push('the body');
  return lost.length > 0 ? `${request.method} ${request.url}: ${lost.join(', ')} given but not sent` : undefined;
}

/** Every GET field of Query, and up to `count` of the other fields (Query and Mutation), chosen by `seed`. */
function chosenFields(schema, count, seed) {
  const gets = [];
  const others = [];
  for (const rootType of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(rootType?.getFields() ?? {})) {
      const rest = restBinding(field);
      if (!rest) continue; // Skein's own fields (Query._skein)
      (rest.method === 'GET' ? gets : others).push({ rootType, field, rest });
    }
  }
  return [...gets, ...seededSample(others, count, seed)];
}

/** The document's operation a @rest binding calls: same method, same path up to placeholder names. */
function findOperation(dereferenced, rest) {
  const shape = (path) => path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
  const pathPart = (path) => shape(path.split(/[?#]/)[0]);
  const restPath = rest.path.startsWith('/') ? rest.path : `/${rest.path}`;
  const method = rest.method.toLowerCase();
  const candidates = Object.entries(dereferenced.paths ?? {}).filter(([, item]) => item?.[method]);
  // The same path, else the same path before a query string (the importer moves a declared
  // query parameter out of `/search?query={query}`).
  const found =
    candidates.find(([path]) => shape(path) === shape(restPath)) ??
    candidates.find(([path]) => path.includes('?') && !restPath.includes('?') && pathPart(path) === pathPart(restPath));
  for (const [path, item] of found ? [found] : []) {
    const own = item[method].parameters ?? [];
    const shared = (item.parameters ?? []).filter((p) => !own.some((o) => o.name === p.name && o.in === p.in));
    return { ...item[method], key: `${method.toUpperCase()} ${path}`, path, method, parameters: [...own, ...shared] };
  }
  return undefined;
}

/** The `url:` of the file's `@source`. */
function sourceUrlOf(sdl) {
  for (const definition of parse(sdl, { noLocation: true }).definitions) {
    if (definition.kind !== 'SchemaExtension') continue;
    for (const directive of definition.directives ?? []) {
      const url = directive.arguments?.find((a) => a.name.value === 'url');
      if (directive.name.value === 'source' && url) return url.value.value;
    }
  }
  throw new Error('the imported file has no @source url');
}
