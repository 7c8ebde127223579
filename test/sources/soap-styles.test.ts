import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { parseXml, type XmlElement } from '../../src/sources/soap/xml/xml-tree.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream } from '../helpers/recording-upstream.js';
import { fixture, FIXTURES, startSoapServer, type RunningSoapServer } from '../fixtures/wsdl/soap-server.js';

const SOAP_ENCODING = 'http://schemas.xmlsoap.org/soap/encoding/';

/** The soap package's server hands over encoded values (with xsi:type) as { attributes, $value }. */
function text(value: unknown): string {
  return value && typeof value === 'object' ? String((value as { $value?: unknown }).$value) : String(value);
}

function payloadOf(body: string): XmlElement {
  const envelope = parseXml(body, { namespaces: true });
  return envelope.children.find((c) => c.local === 'Body')!.children[0];
}

describe('SOAP rpc/encoded', () => {
  const wsdlPath = path.join(FIXTURES, 'calculator-rpc.wsdl');
  let upstream: RunningSoapServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startSoapServer({
      wsdl: fixture('calculator-rpc.wsdl'),
      uri: wsdlPath,
      path: '/calc',
      services: {
        CalculatorService: {
          CalculatorPort: {
            Add: (args: { a: unknown; b: unknown }) => ({ sum: Number(text(args.a)) + Number(text(args.b)) }),
            Describe: (args: { labels: { item?: unknown[] | unknown }; scale: unknown }) => {
              const labels = ([] as unknown[]).concat(args.labels?.item ?? []).map(text);
              return { stats: { count: labels.length, mean: 2.5 * Number(text(args.scale)), labels: { item: labels } } };
            },
          },
        },
      },
    });
    const imported = await importWsdl({ location: wsdlPath, source: 'calc', url: upstream.url });
    gateway = await startTestGateway({ sources: { 'calc.graphql': imported.sdl } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('writes the operation element in the soap:body namespace, with typed, unqualified parts', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`mutation { add(a: 2, b: 40) }`);
    expect(answer).toMatchObject({ data: { add: 42 } });
    const [request] = upstream.received;
    expect(request.headers.soapaction).toBe('"urn:skein:test:calc#Add"');
    const payload = payloadOf(request.body);
    expect(`{${payload.uri}}${payload.local}`).toBe('{urn:skein:test:calc}Add');
    expect(Object.entries(payload.attributes).find(([name]) => name.endsWith(':encodingStyle'))?.[1]).toBe(SOAP_ENCODING);
    expect(payload.children.map((c) => `{${c.uri}}${c.local}=${c.text}`)).toEqual(['{}a=2', '{}b=40']);
    expect(payload.children[0].attributes['xsi:type']).toBe('xsd:int');
  });

  it('writes and reads SOAP-encoded arrays', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`{ describe(labels: ["x", "y"], scale: 2) { count mean labels } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ describe: { count: 2, mean: 5, labels: ['x', 'y'] } });
    const labels = payloadOf(upstream.received[0].body).children[0];
    expect(labels.attributes['xsi:type']).toBe('soapenc:Array');
    expect(labels.attributes['soapenc:arrayType']).toBe('xsd:string[2]');
    expect(labels.children.map((c) => c.text)).toEqual(['x', 'y']);
  });
});

describe('SOAP rpc/encoded answers with multi-references (href/id)', () => {
  it('follows href="#id" to the shared value', async () => {
    const upstream = await startRecordingUpstream({
      'POST /calc': {
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0"?>
          <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">
            <soapenv:Body>
              <ns1:DescribeResponse xmlns:ns1="urn:skein:test:calc" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
                <stats href="#id0"/>
              </ns1:DescribeResponse>
              <multiRef id="id0" xsi:type="ns2:Stats" xmlns:ns2="urn:skein:test:calc">
                <count xsi:type="xsd:int">3</count>
                <mean xsi:type="xsd:double">1.5</mean>
                <labels xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[3]">
                  <item>a</item><item href="#id1"/><item>c</item>
                </labels>
              </multiRef>
              <multiRef id="id1" xsi:type="xsd:string">b</multiRef>
            </soapenv:Body>
          </soapenv:Envelope>`,
      },
    });
    const imported = await importWsdl({ location: path.join(FIXTURES, 'calculator-rpc.wsdl'), source: 'calc', url: `${upstream.url}/calc` });
    const gateway = await startTestGateway({ sources: { 'calc.graphql': imported.sdl } });
    try {
      const answer = await gateway.query(`{ describe(labels: [], scale: 1) { count mean labels } }`);
      expect(answer.data).toEqual({ describe: { count: 3, mean: 1.5, labels: ['a', 'b', 'c'] } });
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});

describe('SOAP document/literal bare', () => {
  const wsdlPath = path.join(FIXTURES, 'echo-bare.wsdl');
  let upstream: RunningSoapServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startSoapServer({
      wsdl: fixture('echo-bare.wsdl'),
      uri: wsdlPath,
      path: '/echo',
      services: {
        EchoService: {
          EchoPort: {
            Echo: (text: unknown) => `echo: ${typeof text === 'object' && text ? JSON.stringify(text) : String(text)}`,
            Convert: () => ({ Converted: '108.25', Rate: '1.0825' }),
          },
        },
      },
    });
    const imported = await importWsdl({ location: wsdlPath, source: 'echo', url: upstream.url, queries: ['Echo', 'Convert'] });
    expect(imported.operations.map((o) => o.root)).toEqual(['Query', 'Query']);
    gateway = await startTestGateway({ sources: { 'echo.graphql': imported.sdl } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('sends a simple-typed part element as the Body child and reads a simple-typed answer', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`{ echo(EchoText: "hi <there>") }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.echo).toMatch(/^echo: /);
    const payload = payloadOf(upstream.received[0].body);
    expect(`{${payload.uri}}${payload.local}`).toBe('{urn:skein:test:echo}EchoText');
    expect(payload.text).toBe('hi <there>');
  });

  it('sends several parts as Body children, in message order, and reads several answer parts as one object', async () => {
    // The soap package's server reads only the first part of a multi-part bare message (and nests its answer
    // parts), so this exchange is played by a plain HTTP upstream answering what WSDL 1.1 prescribes.
    const plain = await startRecordingUpstream({
      'POST /echo': {
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body:
          '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
          '<e:Converted xmlns:e="urn:skein:test:echo">108.25</e:Converted><e:Rate xmlns:e="urn:skein:test:echo">1.0825</e:Rate>' +
          '</s:Body></s:Envelope>',
      },
    });
    const imported = await importWsdl({ location: wsdlPath, source: 'bare', url: `${plain.url}/echo`, queries: ['Echo', 'Convert'] });
    const bare = await startTestGateway({ sources: { 'bare.graphql': imported.sdl } });
    try {
      const answer = await bare.query(`{ convert(Currency: USD, Amount: 100) { Converted Rate } }`);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ convert: { Converted: 108.25, Rate: 1.0825 } });
      const envelope = parseXml(plain.received[0].body, { namespaces: true });
      const body = envelope.children.find((c) => c.local === 'Body')!;
      expect(body.children.map((c) => `{${c.uri}}${c.local}=${c.text}`)).toEqual([
        '{urn:skein:test:echo}Amount=100',
        '{urn:skein:test:echo}Currency=USD',
      ]);
      expect(plain.received[0].headers.soapaction).toBe('"Convert"');
    } finally {
      await bare.close();
      await plain.close();
    }
  });
});
