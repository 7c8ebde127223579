import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as soap from 'soap';
import { importWsdl } from '../../../src/sources/soap/importer/import-wsdl.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startSoapServer, type RunningSoapServer } from '../../fixtures/wsdl/soap-server.js';

// A WSDL whose port, binding and operations name what they refer to without a prefix, in a
// document with no default namespace (as API Connect's template.wsdl does): strictly those are
// names in no namespace, which nothing defines; node-soap matches them by local name, and
// Skein falls back to the one definition with that local name.

const TNS = 'urn:example:quotes';

function quotesWsdl(extra: { imports?: string; service?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="Quotes" targetNamespace="${TNS}" xmlns:tns="${TNS}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  ${extra.imports ?? ''}
  <wsdl:types>
    <xsd:schema targetNamespace="${TNS}" elementFormDefault="qualified">
      <xsd:element name="GetQuote"><xsd:complexType><xsd:sequence>
        <xsd:element name="symbol" type="xsd:string"/>
      </xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="GetQuoteResponse"><xsd:complexType><xsd:sequence>
        <xsd:element name="price" type="xsd:double"/>
      </xsd:sequence></xsd:complexType></xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="GetQuoteRequest"><wsdl:part name="parameters" element="tns:GetQuote"/></wsdl:message>
  <wsdl:message name="GetQuoteReply"><wsdl:part name="parameters" element="tns:GetQuoteResponse"/></wsdl:message>
  <wsdl:portType name="QuotePortType">
    <wsdl:operation name="GetQuote">
      <wsdl:input message="GetQuoteRequest"/>
      <wsdl:output message="GetQuoteReply"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="QuoteBinding" type="QuotePortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetQuote">
      <soap:operation soapAction="urn:GetQuote"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="QuoteService">
    ${extra.service ?? '<wsdl:port name="QuotePort" binding="QuoteBinding"><soap:address location="http://127.0.0.1:9/quotes"/></wsdl:port>'}
  </wsdl:service>
</wsdl:definitions>`;
}

function writeTemp(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'skein-unqualified-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text);
  return folder;
}

describe('WSDL references written without a prefix', () => {
  let upstream: RunningSoapServer;
  let gateway: TestGateway;
  let file: string;

  beforeAll(async () => {
    file = path.join(writeTemp({ 'quotes.wsdl': quotesWsdl() }), 'quotes.wsdl');
    upstream = await startSoapServer({
      wsdl: quotesWsdl(),
      path: '/quotes',
      services: { QuoteService: { QuotePort: { GetQuote: (args: { symbol: string }) => ({ price: args.symbol === 'ACME' ? 12.5 : 0 }) } } },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('node-soap reads the document (the behaviour Skein matches)', async () => {
    const client = await soap.createClientAsync(file);
    expect(Object.keys(client.describe().QuoteService.QuotePort)).toEqual(['GetQuote']);
  });

  it('imports, checks and serves: the port, binding and messages resolve by local name', async () => {
    const imported = await importWsdl({ location: file, source: 'quotes', url: upstream.url });
    expect(imported.operations.map((o) => o.operation)).toEqual(['GetQuote']);
    gateway = await startTestGateway({ sources: { [path.join(path.dirname(file), 'quotes.graphql')]: imported.sdl } }, { onSourceError: 'fail' });
    const answer = await gateway.query('{ getQuote(symbol: "ACME") }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ getQuote: 12.5 });
    expect(upstream.received[0].body).toContain('ACME');
  });

  it('stays strict when the local name is ambiguous: two bindings named QuoteBinding in two namespaces', async () => {
    const other = quotesWsdl().replaceAll(TNS, 'urn:example:other').replace(/<wsdl:service[\s\S]*<\/wsdl:service>/, '');
    const folder = writeTemp({
      'other.wsdl': other,
      'quotes.wsdl': quotesWsdl({ imports: '<wsdl:import namespace="urn:example:other" location="other.wsdl"/>' }),
    });
    await expect(importWsdl({ location: path.join(folder, 'quotes.wsdl'), source: 'quotes' })).rejects.toThrow(
      /port "QuotePort" refers to binding QuoteBinding, which is not defined/,
    );
  });

  it('a name no definition has, prefixed or not, is still an error', async () => {
    const folder = writeTemp({
      'quotes.wsdl': quotesWsdl({ service: '<wsdl:port name="QuotePort" binding="tns:NoSuchBinding"><soap:address location="http://127.0.0.1:9/quotes"/></wsdl:port>' }),
    });
    await expect(importWsdl({ location: path.join(folder, 'quotes.wsdl'), source: 'quotes' })).rejects.toThrow(
      /port "QuotePort" refers to binding NoSuchBinding \(namespace urn:example:quotes\), which is not defined/,
    );
  });
});
