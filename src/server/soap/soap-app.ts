import { createLogger, type Logger } from '../../observe/index.js';
import type http from 'node:http';
import type { ExecutionResult, GraphQLField } from 'graphql';
import type { Graph } from '../../graph/index.js';
import { agreedClientError, documentFor } from '../capabilities/composite-endpoint.js';
import { httpRefusalOf } from '../auth/refusal.js';
import type { RouteHandler } from '../http-server.js';
import type { TrustedOperation } from '../pipeline.js';
import { answerEnvelope } from './answer-writer.js';
import { FaultError, readEnvelope, readVariables } from './envelope-reader.js';
import { clientFault, faultEnvelope, faultStatus, soapErrorOf, type SoapFault } from './fault-writer.js';
import { soapServed } from './soap-served.js';
import { contentType, versionOfContentType, type SoapVersion } from './soap-versions.js';
import { soapContract, writeWsdl, type SoapContract } from './wsdl-writer.js';

export interface SoapOptions {
  readonly acquire: () => { readonly graph: Graph; release(): void };
  /** Runs a composite's document through the /graphql pipeline's execution, as /api does. */
  readonly execute: (operation: TrustedOperation) => Promise<ExecutionResult>;
  /** The largest request envelope, in bytes (SKEIN_MAX_BODY_BYTES, as /graphql and /api). */
  readonly maxBodyBytes: number;
  /** Where the gateway's own failures are logged; standard error by default. */
  readonly logger?: Logger;
}

export const SOAP_PREFIX = '/soap';

/** Stands for the endpoint's address in a cached WSDL: the address is the request's own. */
const ADDRESS = 'skein-soap-endpoint-address';

/**
 * Composites as SOAP operations: `GET /soap/<name>?wsdl` is the composite's WSDL, `POST
 * /soap/<name>` a SOAP 1.1 or 1.2 request (the envelope's namespace says which; the answer
 * is in the same version). The composite runs through the /graphql pipeline exactly as
 * its /api endpoint does; its errors come back as Faults with their GraphQL codes.
 */
export function createSoapHandler(options: SoapOptions): RouteHandler {
  const contracts = new WeakMap<Graph, Map<string, { contract: SoapContract; wsdl?: string } | null>>();
  const served = (graph: Graph, name: string) => {
    let cache = contracts.get(graph);
    if (!cache) contracts.set(graph, (cache = new Map()));
    if (!cache.has(name)) {
      const plan = graph.plans.get(name);
      const root = plan?.operation === 'mutation' ? graph.schema.getMutationType() : graph.schema.getQueryType();
      const field = root?.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
      cache.set(name, plan && field && soapServed(plan, graph) ? { contract: soapContract(field, plan.description) } : null);
    }
    return cache.get(name) ?? undefined;
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const name = safeDecode(url.pathname.slice(SOAP_PREFIX.length + 1).replace(/\/+$/, ''));
    const lease = options.acquire();
    res.once('close', lease.release);
    const graph = lease.graph;
    const entry = served(graph, name);
    res.setHeader('cache-control', 'no-store');

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (![...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
        res.setHeader('allow', 'GET, HEAD, POST');
        return send(res, 405, 'text/plain; charset=utf-8', `POST a SOAP envelope to /soap/${name}; its WSDL is at /soap/${name}?wsdl\n`);
      }
      if (!entry) return send(res, 404, 'text/plain; charset=utf-8', notServed(name), req.method === 'HEAD');
      entry.wsdl ??= writeWsdl(entry.contract, ADDRESS);
      return send(res, 200, 'text/xml; charset=utf-8', entry.wsdl.replaceAll(ADDRESS, endpointAddress(req, name)), req.method === 'HEAD');
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, HEAD, POST');
      return send(res, 405, 'text/plain; charset=utf-8', `call /soap/${name} with POST (a SOAP envelope) or GET ?wsdl, not ${req.method}\n`);
    }

    let version = versionOfContentType(req.headers['content-type']);
    if (!entry) return sendFault(res, version, clientFault([notServed(name)], 'NOT_FOUND', 404));
    const tooLarge = clientFault([`the envelope is over ${options.maxBodyBytes} bytes, the limit of this endpoint (SKEIN_MAX_BODY_BYTES)`], 'BODY_TOO_LARGE', 413);
    if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) {
      res.setHeader('connection', 'close');
      return sendFault(res, version, tooLarge);
    }
    const body = await readCapped(req, options.maxBodyBytes);
    if (!body) {
      res.setHeader('connection', 'close');
      return sendFault(res, version, tooLarge);
    }
    const { contract } = entry;
    try {
      const message = readEnvelope(body.toString('utf8'));
      version = message.version;
      if (graph.paused.has(name)) throw new FaultError(pausedFault(name));
      const variables = readVariables(contract, message.operation);
      const plan = graph.plans.get(name)!;
      const result = (await options.execute({
        req,
        res,
        graph,
        document: documentFor(graph, plan.operation, contract.field),
        variables,
      })) as ExecutionResult<Record<string, unknown>>;
      const errors = result.errors ?? [];
      if (errors.some((e) => e.extensions?.code === 'COMPOSITE_PAUSED')) throw new FaultError(pausedFault(name));
      const limited = errors.find((e) => e.extensions?.code === 'RATE_LIMITED');
      if (limited) {
        res.setHeader('retry-after', String(limited.extensions.retryAfter));
        throw new FaultError(clientFault([limited.message], 'RATE_LIMITED', 429));
      }
      const refused = httpRefusalOf(name, result);
      if (refused) {
        res.setHeader('www-authenticate', refused.challenge);
        throw new FaultError({ kind: 'client', errors: errors.map(soapErrorOf), httpStatus: refused.status });
      }
      const value = result.data?.[name] as Record<string, unknown> | null | undefined;
      if (value === undefined || (value === null && !result.data)) {
        // Variables graphql-js could not coerce (an Int out of range): the request's fault.
        throw new FaultError(clientFault(errors.map((e) => e.message)));
      }
      const empty = value === null || Object.values(value).every((v) => v === null);
      if (empty && errors.length) {
        throw new FaultError({ kind: agreedClientError(errors) ? 'client' : 'server', errors: errors.map(soapErrorOf) });
      }
      return send(res, 200, contentType(version), answerEnvelope(version, contract, value, errors.map(soapErrorOf)));
    } catch (error) {
      if (error instanceof FaultError) return sendFault(res, version, error.fault);
      // Resolver errors are masked by the pipeline; this is the gateway's own failure.
      (options.logger ?? createLogger()).error({ path: req.url?.split('?')[0], err: error }, 'SOAP request failed');
      if (res.headersSent) return void res.end();
      return sendFault(res, version, { kind: 'server', errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' }] });
    }
  };
}

function pausedFault(name: string): SoapFault {
  return { kind: 'server', errors: [{ code: 'COMPOSITE_PAUSED', message: `composite "${name}" is paused; it answers again once it is resumed` }] };
}

function notServed(name: string): string {
  return `no published composite is named "${name}"; /api lists what is served, and /soap/<name>?wsdl describes each`;
}

/** Where this composite answers, as the caller reached it (behind a proxy: its forwarded protocol). */
function endpointAddress(req: http.IncomingMessage, name: string): string {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim();
  const protocol = forwarded === 'https' || forwarded === 'http' ? forwarded : 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  return `${protocol}://${req.headers.host ?? 'localhost'}${SOAP_PREFIX}/${encodeURIComponent(name)}`;
}

/** The body, or undefined once it passes `limit` (the rest is not read). */
function readCapped(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks, size) : undefined));
    req.on('error', reject);
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sendFault(res: http.ServerResponse, version: SoapVersion, fault: SoapFault): void {
  send(res, faultStatus(version, fault), contentType(version), faultEnvelope(version, fault));
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headOnly = false): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}
