import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { importWsdl, type WsdlImport } from '../../src/sources/soap/importer/import-wsdl.js';
import { parseXml } from '../../src/sources/soap/xml/xml-tree.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { packageFile } from '../helpers/npm-fixtures.js';
import { startSoapServer, type RunningSoapServer } from '../fixtures/wsdl/soap-server.js';

// Vendor WSDLs published in npm packages, fetched with `npm pack` at test time and never committed.
const weatherWsdl = () => packageFile('strong-soap@6.0.1', 'package/example/wsdls/weather.wsdl');
const fedexWsdl = () => packageFile('node-shipping-fedex@1.0.0', 'package/lib/wsdl/ShipService_v19.wsdl');

async function assertBuilds(imported: WsdlImport, name: string): Promise<void> {
  const graph = await buildGraph({ sources: [{ path: `${name}.graphql`, text: imported.sdl, documents: 'anywhere' as const }], composites: [] }, { onSourceError: 'fail' });
  expect(graph.operations.size).toBe(imported.operations.length);
  await graph.close();
}

describe('CDYNE weather (SOAP 1.1 and 1.2 ports, plus HTTP GET/POST ports to ignore)', () => {
  let upstream: RunningSoapServer;
  let gateway: TestGateway;
  let imported: WsdlImport;

  beforeAll(async () => {
    const file = weatherWsdl();
    const weather = {
      GetCityWeatherByZIP: (args: { ZIP: string }) => ({
        GetCityWeatherByZIPResult: {
          Success: true,
          ResponseText: 'City Found',
          State: 'NY',
          City: 'New York',
          WeatherStationCity: 'White Plains',
          WeatherID: 14,
          Description: 'Cloudy',
          Temperature: '63',
          RelativeHumidity: '87',
          Wind: 'E7',
          Pressure: '29.97S',
          Visibility: '',
          WindChill: '',
          Remarks: `zip ${args.ZIP}`,
        },
      }),
      GetWeatherInformation: () => ({
        GetWeatherInformationResult: {
          WeatherDescription: [
            { WeatherID: 1, Description: 'Thunder Storms', PictureURL: 'http://ws.cdyne.com/WeatherWS/Images/thunderstorms.gif' },
          ],
        },
      }),
      GetCityForecastByZIP: () => ({
        GetCityForecastByZIPResult: {
          Success: true,
          City: 'New York',
          ForecastResult: {
            Forecast: [
              { Date: '2026-03-01T00:00:00', WeatherID: 4, Desciption: 'Sunny', Temperatures: { MorningLow: '40', DaytimeHigh: '55' }, ProbabilityOfPrecipiation: { Nighttime: '10', Daytime: '0' } },
              { Date: '2026-03-02T00:00:00', WeatherID: 6, Desciption: 'Showers', Temperatures: { MorningLow: '38', DaytimeHigh: '49' }, ProbabilityOfPrecipiation: { Nighttime: '60', Daytime: '70' } },
            ],
          },
        },
      }),
    };
    upstream = await startSoapServer({
      wsdl: readFileSync(file, 'utf8'),
      uri: file,
      path: '/WeatherWS/Weather.asmx',
      services: { Weather: { WeatherSoap: weather, WeatherSoap12: weather } },
    });
    imported = await importWsdl({ location: file, source: 'weather', url: upstream.url });
    gateway = await startTestGateway({ sources: { 'weather.graphql': imported.sdl } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('imports the SOAP 1.1 port, names the 1.2 one, and leaves the HTTP ports out', async () => {
    expect(imported.port).toBe('WeatherSoap');
    expect(imported.ports.map((p) => `${p.name} ${p.soapVersion}`)).toEqual(['WeatherSoap 1.1', 'WeatherSoap12 1.2']);
    expect(imported.operations.map((o) => `${o.root}.${o.field}`)).toEqual([
      'Query.getWeatherInformation',
      'Query.getCityForecastByZIP',
      'Query.getCityWeatherByZIP',
    ]);
    expect(imported.sdl).toContain('getWeatherInformation: [WeatherDescription!] @soap(source: "weather", operation: "GetWeatherInformation")');
    await assertBuilds(imported, 'weather');
    const soap12 = await importWsdl({ location: weatherWsdl(), source: 'weather12', port: 'WeatherSoap12' });
    expect(soap12.soapVersion).toBe('1.2');
    await assertBuilds(soap12, 'weather12');
  });

  it('answers through the gateway, served by soap.listen', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`{
      getCityWeatherByZIP(ZIP: "10001") { Success City WeatherID Temperature Remarks }
      getWeatherInformation { WeatherID Description }
      getCityForecastByZIP(ZIP: "10001") { City ForecastResult { Date WeatherID Temperatures { DaytimeHigh } } }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      getCityWeatherByZIP: { Success: true, City: 'New York', WeatherID: 14, Temperature: '63', Remarks: 'zip 10001' },
      getWeatherInformation: [{ WeatherID: 1, Description: 'Thunder Storms' }],
      getCityForecastByZIP: {
        City: 'New York',
        ForecastResult: [
          { Date: '2026-03-01T00:00:00', WeatherID: 4, Temperatures: { DaytimeHigh: '55' } },
          { Date: '2026-03-02T00:00:00', WeatherID: 6, Temperatures: { DaytimeHigh: '49' } },
        ],
      },
    });
    const request = upstream.received.find((r) => r.headers.soapaction === '"http://ws.cdyne.com/WeatherWS/GetCityWeatherByZIP"')!;
    const payload = parseXml(request.body, { namespaces: true }).children.find((c) => c.local === 'Body')!.children[0];
    expect(`{${payload.uri}}${payload.local}`).toBe('{http://ws.cdyne.com/WeatherWS/}GetCityWeatherByZIP');
    expect(payload.children.map((c) => `{${c.uri}}${c.local}=${c.text}`)).toEqual(['{http://ws.cdyne.com/WeatherWS/}ZIP=10001']);
  });
});

describe('FedEx Ship v19 (about 300 KB, 144 enumerations, 835 values)', () => {
  it('imports into SDL that builds a valid schema', async () => {
    const file = fedexWsdl();
    const started = performance.now();
    const imported = await importWsdl({ location: file, source: 'fedex' });
    const millis = performance.now() - started;
    // Printed, not asserted: import speed is measured by the bench (bench/), on a quiet machine.
    console.log(`FedEx Ship v19: imported in ${Math.round(millis)} ms (${imported.sdl.length} characters of SDL)`);
    expect(imported.skipped).toEqual([]);
    expect(imported.operations.map((o) => o.operation)).toEqual(['processTag', 'processShipment', 'deleteTag', 'deleteShipment', 'validateShipment']);
    expect(imported.counts.enums).toBeGreaterThan(100);
    expect(imported.counts.enumValues).toBeGreaterThan(800);
    // Beside another source, as in a real schema folder (test/sources/classify-operations-import.test.ts builds it alone).
    const graph = await buildGraph(
      {
        sources: [
          { path: 'fedex.graphql', text: imported.sdl, documents: 'anywhere' as const },
          { path: 'other.graphql', text: 'extend schema @source(name: "other", kind: REST, url: "http://127.0.0.1:9") type Query { ping: String @rest(source: "other", path: "/ping") }' },
        ],
        composites: [],
      },
      { onSourceError: 'fail' },
    );
    expect(graph.schema.getMutationType()?.getFields().processShipment).toBeDefined();
    // validateShipment only checks a shipment, so its name puts it on Query.
    expect(graph.schema.getQueryType()?.getFields().validateShipment).toBeDefined();
    await graph.close();
  });
});
