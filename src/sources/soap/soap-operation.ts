import type { ArgumentNode } from 'graphql';
import { SchemaError } from '../../errors/schema-error.js';
import type { SoapDirectiveArgs } from '../../generated/directives.js';
import type { Operation, OperationDefinition, RequestContext } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { addCallerHeaders, hasCallerHeaders } from '../source-headers.js';
import { compileEnvelope } from './envelope-builder.js';
import { operationContract, type OperationContract } from './operation-contract.js';
import { compileResultDecoder, DecodeProblem } from './response-decoder.js';
import type { SoapClient } from './soap-client.js';
import { faultError, readFault } from './soap-fault.js';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml/xml-tree.js';

/**
 * Compiles a `@soap` field into an Operation. The WSDL operation is looked up by the
 * name the directive carries (so the field may be renamed freely), and the envelope
 * writer and the answer reader are compiled against the field's arguments and type
 * here, once. A call fills in the envelope, posts it through the source's HttpClient
 * and reads the answer.
 */
export function compileSoapOperation(definition: OperationDefinition<SoapClient>): Operation {
  const { field, parentType, source, client, node } = definition;
  const args = definition.directiveArgs as unknown as SoapDirectiveArgs;
  const label = `${parentType}.${field.name}`;
  const directive = node.directives?.find((d) => d.name.value === 'soap');
  const at = (argument: string) => directive?.arguments?.find((a: ArgumentNode) => a.name.value === argument) ?? directive ?? node;

  let contract: OperationContract;
  try {
    contract = operationContract(client.wsdl.definitions, client.port, client.wsdl.resolver, args.operation);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    // Name the field first; keep the WSDL position when the fault lies in the WSDL.
    const where = error.location && error.location.file !== '' ? error.location : new SchemaError('', at('operation')).location;
    throw new SchemaError(`@soap on ${label} (source "${source.name}"): ${error.message}`, where);
  }
  const where = new SchemaError('', node).location;
  const writeEnvelope = compileEnvelope(contract, field, label, where);
  const decode = compileResultDecoder(contract, field.type, label, where);

  const soapAction = args.soapAction ?? contract.soapAction;
  const baseHeaders: Record<string, string> =
    contract.soapVersion === '1.2'
      ? {
          'content-type': `application/soap+xml; charset=utf-8${soapAction ? `; action="${soapAction.replace(/"/g, '\\"')}"` : ''}`,
          accept: 'application/soap+xml, text/xml, */*',
        }
      : { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction.replace(/"/g, '\\"')}"`, accept: 'text/xml, */*' };
  const fixedHeaders = { ...baseHeaders, ...source.headers };
  const perCaller = hasCallerHeaders(source);
  const url = client.endpoint;
  // A one-way operation answers 202 with no body: the call went through.
  const emptyAnswer = contract.output ? null : true;
  const headerXml = client.headerXml;

  // SOAP operations are POSTs: only the schema author can say one is safe to repeat.
  const safe = args.safe ?? parentType === 'Query';

  return {
    name: label,
    source,
    idempotent: safe,
    async call(values: Readonly<Record<string, unknown>>, context: RequestContext): Promise<unknown> {
      const body = writeEnvelope(values, headerXml());
      const headers = perCaller ? addCallerHeaders(source, context, { ...fixedHeaders }) : fixedHeaders;
      const answer = await client.http.send({
        method: 'POST',
        url,
        headers,
        body,
        label,
        signal: context.request?.signal,
        budget: context.budget,
        cache: context.callCache,
        trace: context.trace,
        idempotent: safe,
        isReply: isFaultAnswer,
      });
      return readAnswer(answer.status, answer.headers['content-type'], answer.body, source.name, label, decode, emptyAnswer);
    },
  };
}

/**
 * A SOAP Fault travels on HTTP 500: it is the service's deliberate answer, so the
 * transport neither retries it nor counts it against the source. A quick look suffices;
 * readAnswer reads the fault properly.
 */
function isFaultAnswer(answer: { readonly status: number; readonly body: string }): boolean {
  return answer.status === 500 && FAULT_ELEMENT.test(answer.body);
}

const FAULT_ELEMENT = /<(?:[A-Za-z_][\w.-]*:)?Fault[\s>]/;

function readAnswer(
  status: number,
  contentType: string | string[] | undefined,
  text: string,
  source: string,
  label: string,
  decode: (body: XmlElement) => unknown,
  emptyAnswer: unknown,
): unknown {
  const ok = status >= 200 && status <= 299;
  const httpError = () =>
    new UpstreamError(UpstreamErrorCode.HTTP_ERROR, `Upstream "${source}" answered HTTP ${status} to ${label}`, { source, status, body: text });
  const badResponse = (problem: string) =>
    new UpstreamError(UpstreamErrorCode.BAD_RESPONSE, `Upstream "${source}" answered ${label} with ${problem}`, { source, status, body: text });

  const trimmed = text.trimStart();
  if (trimmed === '') {
    if (ok) return emptyAnswer;
    throw httpError();
  }
  const type = String(contentType ?? '').toLowerCase();
  if (type.includes('text/html') || /^(<!doctype html|<html)/i.test(trimmed)) {
    throw ok ? badResponse('an HTML page where a SOAP envelope was expected') : httpError();
  }
  if (trimmed[0] !== '<') throw ok ? badResponse('a body that is not XML') : httpError();

  let envelope: XmlElement;
  try {
    envelope = parseXml(text, { namespaces: false });
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    if (!ok) throw httpError();
    throw badResponse(`XML that is not well-formed (${error.message} at line ${error.line}, column ${error.column}; truncated?)`);
  }
  if (envelope.local !== 'Envelope') {
    throw ok ? badResponse(`a <${envelope.name}> document where a SOAP Envelope was expected`) : httpError();
  }
  const body = envelope.children.find((child) => child.local === 'Body');
  if (!body) throw ok ? badResponse('a SOAP Envelope without a Body') : httpError();
  const first = body.children[0];
  const fault = first && readFault(first);
  if (fault) throw faultError(fault, source, label, status);
  if (!ok) throw httpError();
  try {
    return decode(body);
  } catch (error) {
    if (error instanceof DecodeProblem) throw badResponse(error.message);
    throw error;
  }
}
