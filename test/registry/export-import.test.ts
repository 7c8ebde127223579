import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFromXML, RegistryError } from '../../src/registry/index.js';
import { ORDER_SUMMARY } from './fixtures.js';
import { startTestRegistryGateway, type TestRegistryGateway } from './harness.js';

const WEATHER = `extend schema @source(name: "weather", kind: REST, url: "http://127.0.0.1:9")
type Forecast { city: String! celsius: Float }
type Query { forecast(city: String!): Forecast @rest(source: "weather", path: "/forecast/{city}") }
`;

function xmlError(text: string): string {
  try {
    exportFromXML(text);
  } catch (error) {
    if (error instanceof RegistryError) return error.message;
    throw error;
  }
  throw new Error('expected the XML to be refused');
}

describe('export and import between two separate stores', () => {
  let from: TestRegistryGateway; // embedded
  let to: TestRegistryGateway; // PostgreSQL

  beforeAll(async () => {
    [from, to] = await Promise.all([startTestRegistryGateway('embedded'), startTestRegistryGateway('postgres')]);
    const saved = await from.admin('mutation($d: String!) { saveComposite(document: $d, note: "first cut") { version } }', {
      d: `${ORDER_SUMMARY.replace('query orderSummary', '# Needs "quotes" & <angles> ]]> and all.\nquery orderSummary')}`,
    });
    expect(saved.errors).toBeUndefined();
  });
  afterAll(async () => {
    await Promise.all([from?.close(), to?.close()]);
  });

  for (const format of ['XML', 'JSON'] as const) {
    it(`round-trips a composite as ${format}, and the plan is the same`, async () => {
      const exported = await from.admin('query($f: ExportFormat) { export(name: "orderSummary", format: $f) { document version format } }', { f: format });
      expect(exported.errors).toBeUndefined();
      const document: string = exported.data.export.document;
      if (format === 'XML') {
        expect(document).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<composite xmlns="urn:skein:composite:1" format="1" name="orderSummary" operation="query" version="1"/);
        expect(document).toContain('<source name="orders" kind="REST" version="1" sha256="');
        expect(document).toContain('<![CDATA[');
      } else {
        expect(JSON.parse(document)).toMatchObject({ skein: 'composite', format: 1, name: 'orderSummary', sources: [{ name: 'hotels' }, { name: 'orders' }, { name: 'users' }] });
      }
      const imported = await to.admin('mutation($d: String!) { import(document: $d, publish: true) { composite { name state version versions { note } } warnings } }', {
        d: document,
      });
      expect(imported.errors).toBeUndefined();
      expect(imported.data.import.composite).toMatchObject({ name: 'orderSummary', state: 'PUBLISHED' });
      expect(imported.data.import.composite.versions.at(-1).note).toMatch(/^imported from 127\.0\.0\.1:\d+ \(v1\)$/);
      expect(imported.data.import.warnings).toEqual([]);

      const plan = '{ plan(name: "orderSummary", format: JSON) { json } composite(name: "orderSummary") { document } }';
      const [a, b] = await Promise.all([from.admin(plan), to.admin(plan)]);
      expect(b.data.plan.json).toEqual(a.data.plan.json);
      expect(b.data.composite.document).toBe(a.data.composite.document);
      expect((await to.graphql('{ orderSummary(orderId: "3") { order { id } } }')).data.orderSummary.order.id).toBe('3');
    });
  }

  it('refuses an import whose sources are missing, naming them', async () => {
    await from.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: WEATHER });
    await from.admin('mutation { saveComposite(document: "query cityWeather($city: String!) { forecast(city: $city) { celsius } }") { name } }');
    const exported = await from.admin('{ export(name: "cityWeather") { document } }');
    const refused = await to.admin('mutation($d: String!) { import(document: $d) { composite { name } } }', { d: exported.data.export.document });
    expect(refused.errors?.[0].message).toBe('composite "cityWeather" needs a source this registry does not have: weather (REST); register it first');
    expect(refused.errors?.[0].extensions).toEqual({ code: 'MISSING_SOURCES', details: ['weather'] });
    expect((await to.admin('{ composite(name: "cityWeather") { name } }')).data.composite).toBeNull();
    const audit = await to.admin('{ audit(limit: 1) { action outcome } }');
    expect(audit.data.audit).toEqual([{ action: 'composite.import', outcome: 'REJECTED' }]);
  });

  it('refuses malformed XML with its line and column', async () => {
    const bad = '<?xml version="1.0"?>\n<composite xmlns="urn:skein:composite:1" format="1">\n  <document>query a { b }</documnt>\n</composite>';
    expect(xmlError(bad)).toBe(
      "the export is not well-formed XML: line 3, column 26: Expected closing tag 'document' (opened in line 3, col 3) instead of closing tag 'documnt'.",
    );
    const answer = await to.admin('mutation($d: String!) { import(document: $d) { composite { name } } }', { d: bad });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_INPUT');
    expect(answer.errors?.[0].message).toContain('line 3, column 26');
  });

  it('never reads a DTD or expands an entity: a DOCTYPE is refused outright', () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE composite [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<composite xmlns="urn:skein:composite:1" format="1" name="x" operation="query" version="1" state="draft" exportedAt="now">
  <document>&secret;</document>
</composite>`;
    expect(xmlError(xxe)).toBe(
      'the export declares <!DOCTYPE> at line 2, column 1; Skein exports never have one, and Skein reads no DTDs and expands no entities',
    );
    const billion = '<!ENTITY lol "lol"><composite/>';
    expect(xmlError(billion)).toMatch(/^the export declares <!ENTITY> at line 1, column 1/);
    // A DOCTYPE inside CDATA is text, not a declaration.
    const cdata = xmlError('<composite xmlns="urn:skein:composite:1" format="1"><document><![CDATA[# <!DOCTYPE x>]]></document></composite>');
    expect(cdata).toBe('expected attribute name="…" on <composite>, found nothing');
  });

  it('names what is missing from a well-formed document of another shape', () => {
    expect(xmlError('<orders><order/></orders>')).toBe('expected the root element <composite xmlns="urn:skein:composite:1">, found <orders>');
    expect(xmlError('<composite xmlns="urn:skein:composite:1" format="2"/>')).toBe('expected format="1" on <composite>, found "2"');
  });
});
