import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../helpers/npm-fixtures.js';
import { FIXTURES } from '../fixtures/wsdl/soap-server.js';
import { skein } from '../helpers/cli.js';

describe('skein import wsdl', () => {
  it('writes SDL for the SOAP 1.1 port, with the WSDL path relative to the SDL file, and prints a summary', async () => {
    const weather = packageFile('strong-soap@6.0.1', 'package/example/wsdls/weather.wsdl');
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'skein-wsdl-')), 'sources', 'weather.graphql');
    const result = await skein('import', 'wsdl', weather, '--source', 'weather', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(service Weather, port WeatherSoap, SOAP 1.1): 3 operations (3 Query, 0 Mutation), 6 object types');
    expect(result.stdout).toContain('other SOAP ports: WeatherSoap12 (SOAP 1.2); choose one with --port or --soap-version');
    const sdl = readFileSync(out, 'utf8');
    const wsdl = /wsdl: "([^"]+)"/.exec(sdl)![1];
    expect(path.resolve(path.dirname(out), wsdl)).toBe(weather);
  });

  it('chooses the SOAP 1.2 port when asked and writes to standard output', async () => {
    const weather = packageFile('strong-soap@6.0.1', 'package/example/wsdls/weather.wsdl');
    const result = await skein('import', 'wsdl', weather, '--source', 'weather', '--soap-version', '1.2', '--out', '-');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wsdlPort: "WeatherSoap12"');
    expect(result.stderr).toContain('port WeatherSoap12, SOAP 1.2');
  });

  it('fails with a clear message for a port that is not there, or a WSDL that does not parse', async () => {
    const unknown = await skein('import', 'wsdl', path.join(FIXTURES, 'hotel.wsdl'), '--source', 'hotel', '--port', 'Nope', '--out', '-');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/port "Nope" is not in .*hotel\.wsdl \(SOAP ports: HotelSoap \(SOAP 1\.1, service HotelService\), HotelSoap12/);
    const broken = await skein('import', 'wsdl', path.join(FIXTURES, 'broken.wsdl'), '--source', 'broken', '--out', '-');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.wsdl:\d+:\d+: .*broken\.wsdl is not well-formed XML: unclosed tag/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  it('has --help', async () => {
    const result = await skein('import', 'wsdl', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: skein import wsdl');
    expect(result.stdout).toContain('--soap-version');
  });
});
