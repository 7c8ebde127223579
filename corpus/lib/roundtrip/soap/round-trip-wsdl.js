// One WSDL, end to end: a soap.listen service built from the WSDL answers every operation
// with an answer generated from its XSD; Skein, importing the same WSDL, serves it as
// GraphQL; each operation is called through the gateway, its answer compared value by
// value with what the service sent, and the request envelope Skein wrote validated
// against the WSDL's schemas by xmllint.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import * as soap from 'soap';
import { buildGraph } from '../../../../dist/graph/index.js';
import { startGateway } from '../../../../dist/server/index.js';
import { importWsdl } from '../../../../dist/sources/soap/importer/import-wsdl.js';
import { operationContract, resultItemOf } from '../../../../dist/sources/soap/operation-contract.js';
import { loadWsdlDocuments } from '../../../../dist/sources/soap/wsdl/load-documents.js';
import { packageFolder } from '../../package-folder.js';
import { selectPort } from '../../../../dist/sources/soap/wsdl/select-port.js';
import { readWsdlDefinitions } from '../../../../dist/sources/soap/wsdl/wsdl-model.js';
import { parseXml } from '../../../../dist/sources/soap/xml/xml-tree.js';
import { SchemaSet } from '../../../../dist/sources/soap/xsd/schema-set.js';
import { ShapeResolver } from '../../../../dist/sources/soap/xsd/shapes.js';
import { AnswerWriter, newStats } from './answer-writer.js';
import { ArgumentWriter } from './arguments.js';
import { ChoicePicker } from './choices.js';
import { FixedValues } from './fixed-values.js';
import { compareAnswer, selectionOf } from './graphql-answer.js';
import { schemaValidator } from './xsd-validator.js';
import { elementToText } from './xml-text.js';

/** GraphQL object levels generated and selected; deeper elements are neither sent nor asked for. */
const MAX_DEPTH = 8;
/** The answers are as large as the XSD makes them (FedEx's run to megabytes); the gateway's default request limits are for users' queries. */
const GATEWAY_SETTINGS = { maxDepth: 64, maxTokens: 10_000_000, maxCost: 1_000_000_000, maxAliases: 1_000, maxBodyBytes: 64 << 20 };

/**
 * @param {{ file: string, soapVersion?: '1.1' | '1.2', timeoutMs?: number, maxDepth?: number, onCall?: (call) => void }} options
 * @returns {Promise<RoundTrip>} see index.d.ts
 */
export async function roundTripWsdl({ file, soapVersion, timeoutMs = 120_000, maxDepth = MAX_DEPTH, onCall }) {
  const result = { file, soapVersion: undefined, operations: 0, passed: 0, failures: [], envelopes: { validated: 0, valid: 0, notValidatable: 0, reason: undefined }, harness: [], sent: newStats() };
  const closers = [];
  try {
    const scope = { folder: packageFolder(file) };
    const documents = await loadWsdlDocuments(file, { scope });
    const definitions = readWsdlDefinitions(documents);
    const schemas = new SchemaSet(documents.schemas);
    const resolver = new ShapeResolver(schemas);
    const port = selectPort(definitions, soapVersion ? { soapVersion } : {});
    result.soapVersion = port.soapVersion;
    const picker = new ChoicePicker(schemas, documents.schemas);
    const fixed = new FixedValues(schemas, documents.schemas);
    const answers = new Map();
    const upstream = await startService(file, definitions, port, answers);
    closers.push(upstream.close);
    const imported = await importWsdl({ location: file, source: 'roundtrip', url: upstream.url, wsdlArgument: path.basename(file), port: port.port.name });
    const graph = await buildGraph(
      {
        // A busy machine can take seconds over a large generated answer: the call's deadline is the harness's, not the source default's.
        sources: [{ path: path.join(path.dirname(file), 'roundtrip.graphql'), text: imported.sdl.replace('@source(name: "roundtrip",', `@source(name: "roundtrip", timeoutMs: ${timeoutMs},`), documents: scope }],
        composites: [],
      },
      { onSourceError: 'fail' },
    );
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: GATEWAY_SETTINGS, log: process.env.ROUNDTRIP_LOG ? (line) => console.error(line) : () => {} });
    closers.push(() => gateway.close());
    const validator = await schemaValidator(documents.schemas);
    closers.push(validator.close);

    const answerWriter = new AnswerWriter({ picker, fixed, maxDepth });
    const argumentWriter = new ArgumentWriter({ picker, fixed, maxDepth });
    const checks = []; // payloads for xmllint, validated together at the end
    // An operation the importer could not make a field of cannot be called: it counts, and fails.
    for (const { operation, reason } of imported.skipped) {
      result.operations++;
      result.failures.push({ operation, stage: 'call', message: `not imported: ${reason}` });
    }
    for (const operation of imported.operations) {
      result.operations++;
      const fail = (stage, message) => result.failures.push({ operation: operation.operation, stage, message });
      const contract = operationContract(definitions, port, resolver, operation.operation);
      const root = operation.root === 'Mutation' ? graph.schema.getMutationType() : graph.schema.getQueryType();
      const field = root.getFields()[operation.field];
      let expected = true;
      let answer;
      if (contract.output) {
        answer = answerWriter.write(contract.output, contract.style, field.type, resultItemOf(contract.output));
        expected = answer.expected;
        for (const [name, count] of Object.entries(answer.stats)) result.sent[name] += count;
        for (const message of answer.unrepresented) fail('answer', `the service sends ${message}`);
      }
      answers.set(operation.operation, { style: contract.style, parts: answer?.parts ?? [] });
      const args = argumentWriter.write(contract.input, contract.headers, field);
      const query = queryText(operation.root === 'Mutation' ? 'mutation' : 'query', field, args, selectionOf(field.type, expected));
      const before = upstream.received.length;
      let response;
      try {
        response = await (
          await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify(query),
            signal: AbortSignal.timeout(timeoutMs),
          })
        ).json();
      } catch (error) {
        fail('call', `the gateway did not answer: ${error.message}`);
        continue;
      }
      const request = upstream.received[before];
      onCall?.({ operation: operation.operation, query, answer: answer?.parts ?? [], expected, response, request: request?.body });
      let ok = true;
      if (response.errors?.length) {
        const first = response.errors[0];
        fail('call', `${first.extensions?.code ? `${first.extensions.code}: ` : ''}${first.message}`);
        ok = false;
      } else {
        const problems = compareAnswer(expected, response.data?.[field.name], field.type, field.name);
        if (problems.length > 0) {
          fail('answer', `${problems.length} value(s) differ; ${problems.slice(0, 3).join('; ')}`);
          ok = false;
        }
      }
      if (answer?.unrepresented.length) ok = false;
      const literalDocument = contract.style === 'document' && !contract.input.encoded;
      if (!request) {
        if (ok) fail('envelope', 'no request reached the service');
        ok = false;
      } else if (!literalDocument) {
        result.envelopes.notValidatable++;
        result.envelopes.reason ??= 'rpc-style messages wrap their parts in an operation element no schema declares';
      } else {
        checks.push({ kind: 'envelope', operation: operation.operation, payloads: envelopePayloads(request.body), passing: ok });
      }
      if (answer && contract.style === 'document' && !contract.output.encoded) {
        checks.push({ kind: 'answer', operation: operation.operation, payloads: answer.parts.filter((p) => p !== '') });
      }
      if (ok && !(request && literalDocument)) result.passed++;
    }
    await validateAll(validator, checks, result);
    return result;
  } catch (error) {
    result.failures.push({ operation: '*', stage: 'call', message: firstLine(error) });
    if (process.env.ROUNDTRIP_DEBUG) console.error(error);
    return result;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

/** One xmllint run for every payload of the document; an envelope that validates completes its operation's pass. */
/** xmllint's refusal of a value the generator wrote as it is (sample-values.js ends every string with this). */
const GENERATED_STRING = /The value '[^']*#\d+ <&> "ü€"' is not|'[^']*#\d+ <&> "ü€"' is not a valid value of the union type|\[facet '(maxLength|minLength|length)'\] The value has a length/;

async function validateAll(validator, checks, result) {
  const outcome = await validator.validate(checks.flatMap((c) => c.payloads));
  if (!Array.isArray(outcome)) {
    // The schemas themselves do not compile (a reference to a schema the WSDL does not carry, such as soapenc).
    for (const check of checks.filter((c) => c.kind === 'envelope')) {
      result.envelopes.notValidatable++;
      if (check.passing) result.passed++;
    }
    result.envelopes.reason = `xmllint cannot compile the WSDL's schemas: ${outcome.message}`;
    return;
  }
  let index = 0;
  for (const check of checks) {
    const verdicts = outcome.slice(index, index + check.payloads.length);
    index += check.payloads.length;
    const errors = verdicts.flatMap((v) => (v.valid ? [] : v.errors.length ? v.errors : ['not valid']));
    if (check.kind === 'answer') {
      if (errors.length) result.harness.push({ operation: check.operation, message: `the generated answer is not valid: ${errors[0]}` });
      continue;
    }
    // A facet the generator does not honour (a pattern, a union of patterns, a length) refusing a string
    // it made, sent verbatim, is the harness's limit, not Skein's: its strings all end in a marker.
    if (errors.length > 0 && errors.every((e) => GENERATED_STRING.test(e))) {
      result.harness.push({ operation: check.operation, message: `a generated argument breaks a facet the generator does not honour: ${errors[0]}` });
      result.envelopes.notValidatable++;
      if (check.passing) result.passed++;
      continue;
    }
    result.envelopes.validated++;
    if (errors.length === 0) {
      result.envelopes.valid++;
      if (check.passing) result.passed++;
    } else {
      result.failures.push({ operation: check.operation, stage: 'envelope', message: errors.slice(0, 2).join('; ') });
    }
  }
}

/** The elements of soap:Header and soap:Body, each as a standalone document. */
function envelopePayloads(text) {
  const envelope = parseXml(text, { namespaces: true });
  return envelope.children
    .filter((c) => c.local === 'Header' || c.local === 'Body')
    .flatMap((section) => section.children.map((element) => elementToText(element)));
}

function queryText(kind, field, args, selection) {
  const used = field.args.filter((a) => args[a.name] !== undefined);
  const variables = used.map((a) => `$${a.name}: ${a.type}`).join(', ');
  const call = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  return {
    query: `${kind} RoundTrip${variables ? `(${variables})` : ''} { ${field.name}${call ? `(${call})` : ''} ${selection} }`,
    variables: Object.fromEntries(used.map((a) => [a.name, args[a.name]])),
  };
}

/**
 * soap.listen with the WSDL itself, on loopback, at the path of the port Skein calls (so the
 * soap package dispatches to that port's binding), every operation answering what the
 * answers map holds for it; each POST is recorded.
 */
async function startService(file, definitions, port, answers) {
  const received = [];
  const services = {};
  for (const candidate of definitions.ports) {
    const binding = definitions.bindings.get(candidate.binding);
    if (!binding) continue;
    const methods = {};
    for (const name of binding.operations.keys()) {
      methods[name] = () => {
        const answer = answers.get(name);
        const xml = answer?.parts.join('') ?? '';
        // Document style: `_xml` is the Body's content; rpc: `$xml` goes inside the soap package's own wrapper.
        return answer?.style === 'rpc' ? { $xml: xml } : { _xml: xml };
      };
    }
    (services[candidate.service] ??= {})[candidate.name] = methods;
  }
  const pathname = new URL(port.port.address ?? '/', 'http://localhost').pathname.replace(/\/$/, '') || '/service';
  const soapSide = http.createServer();
  const wsdl = await readFile(file, 'utf8');
  await new Promise((resolve, reject) => {
    const listener = soap.listen(soapSide, { path: pathname, services, xml: wsdl, uri: file, callback: (error) => (error ? reject(error) : resolve()) });
    listener.log = () => {};
  });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST') received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    });
    soapSide.emit('request', req, res);
  });
  // Longer than any pause between calls: a kept-alive connection the service closes while Skein
  // sends on it would reset a call that is not retried (a mutation), which is no finding of Skein's.
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}${pathname}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function firstLine(error) {
  if (error?.name === 'SchemaErrors' && Array.isArray(error.errors) && error.errors.length) return firstLine(error.errors[0]);
  if (typeof error?.format === 'function') return error.format();
  return error instanceof Error ? error.message : String(error);
}
