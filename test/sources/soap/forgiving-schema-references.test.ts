import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as soap from 'soap';
import { importWsdl } from '../../../src/sources/soap/importer/import-wsdl.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startSoapServer, type RunningSoapServer } from '../../fixtures/wsdl/soap-server.js';

// Schema references as old WSDLs write them and node-soap reads them (found in the corpus,
// in soap@0.3.2's test WSDLs): an <xsd:include location=…> (WSDL's attribute, not XSD's
// schemaLocation), and type="string" in a schema with no default namespace.

const TYPES = 'urn:example:quotes:types';

const typesXsd = `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema targetNamespace="${TYPES}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xsd:element name="GetQuote"><xsd:complexType><xsd:sequence>
    <xsd:element name="symbol" type="string"/>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="GetQuoteResponse"><xsd:complexType><xsd:sequence>
    <xsd:element name="price" type="double"/>
    <xsd:element name="currency" type="string"/>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>`;

const quotesWsdl = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="Quotes" targetNamespace="urn:example:quotes" xmlns:tns="urn:example:quotes"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:types="${TYPES}">
  <wsdl:types>
    <xsd:schema><xsd:include location="types.xsd"/></xsd:schema>
  </wsdl:types>
  <wsdl:message name="GetQuoteRequest"><wsdl:part name="parameters" element="types:GetQuote"/></wsdl:message>
  <wsdl:message name="GetQuoteReply"><wsdl:part name="parameters" element="types:GetQuoteResponse"/></wsdl:message>
  <wsdl:portType name="QuotePortType">
    <wsdl:operation name="GetQuote">
      <wsdl:input message="tns:GetQuoteRequest"/>
      <wsdl:output message="tns:GetQuoteReply"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="QuoteBinding" type="tns:QuotePortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetQuote">
      <soap:operation soapAction="urn:GetQuote"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="QuoteService">
    <wsdl:port name="QuotePort" binding="tns:QuoteBinding"><soap:address location="http://127.0.0.1:9/quotes"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;

describe('schema references node-soap forgives', () => {
  let folder: string;
  let upstream: RunningSoapServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'skein-forgiving-'));
    writeFileSync(path.join(folder, 'quotes.wsdl'), quotesWsdl);
    writeFileSync(path.join(folder, 'types.xsd'), typesXsd);
    upstream = await startSoapServer({
      wsdl: quotesWsdl,
      uri: path.join(folder, 'quotes.wsdl'),
      path: '/quotes',
      services: { QuoteService: { QuotePort: { GetQuote: (args: { symbol: string }) => ({ price: args.symbol === 'ACME' ? 12.5 : 0, currency: 'EUR' }) } } },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('node-soap reads the document (the behaviour Skein matches)', async () => {
    const client = await soap.createClientAsync(path.join(folder, 'quotes.wsdl'));
    expect(client.describe().QuoteService.QuotePort.GetQuote.input).toEqual({ symbol: 'string' });
  });

  it('imports: the include is read and "string" is XSD string', async () => {
    const imported = await importWsdl({ location: path.join(folder, 'quotes.wsdl'), source: 'quotes', url: upstream.url });
    expect(imported.documents).toBe(2);
    expect(imported.sdl).toMatch(/getQuote\(symbol: String!\): GetQuoteResponse/);
    expect(imported.sdl).toMatch(/type GetQuoteResponse \{[^}]*price: Float![^}]*currency: String!/);
  });

  it('serves against soap.listen', async () => {
    const imported = await importWsdl({ location: path.join(folder, 'quotes.wsdl'), source: 'quotes', url: upstream.url });
    gateway = await startTestGateway({ sources: { [path.join(folder, 'quotes.graphql')]: imported.sdl } }, { onSourceError: 'fail' });
    const answer = await gateway.query('{ getQuote(symbol: "ACME") { price currency } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ getQuote: { price: 12.5, currency: 'EUR' } });
    expect(upstream.received[0].body).toContain(TYPES);
  });

  it('an unprefixed type that is not an XSD built-in is still an error', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'skein-forgiving-'));
    writeFileSync(path.join(other, 'quotes.wsdl'), quotesWsdl);
    writeFileSync(path.join(other, 'types.xsd'), typesXsd.replace('type="double"', 'type="money"'));
    await expect(importWsdl({ location: path.join(other, 'quotes.wsdl'), source: 'quotes' })).rejects.toThrow(/type money is not defined/);
  });
});
