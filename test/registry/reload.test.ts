import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestRegistryGateway, type TestRegistryGateway } from './harness.js';
import { until } from './processes.js';

const SLOW = (url: string) => `extend schema @source(name: "slow", kind: REST, url: "${url}", timeoutMs: 5000)
type Reading { id: ID! value: Float! }
type Query { reading(id: ID!): Reading @rest(source: "slow", path: "/readings/{id}") }
`;
const LATEST = 'query latestReading($id: ID!) { reading(id: $id) { id value } }';

describe('hot reload on one gateway', () => {
  let gw: TestRegistryGateway;
  let slow: RecordingUpstream;
  // The upstream answers readings only when the test lets it: requests are in flight for as long as the test needs.
  let letAnswer!: () => void;
  const answering = new Promise<void>((resolve) => (letAnswer = resolve));

  beforeAll(async () => {
    slow = await startRecordingUpstream({ 'GET /readings/*': (r) => ({ json: { id: r.path.split('/').pop(), value: 1.5 }, holdUntil: answering }) });
    gw = await startTestRegistryGateway('embedded');
    await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: SLOW(slow.url) });
    const published = await gw.admin('mutation($d: String!) { push(sources: [], composites: [{ document: $d }], publish: true) { changed } }', { d: LATEST });
    expect(published.errors).toBeUndefined();
  });
  afterAll(async () => {
    letAnswer();
    await gw?.close();
    await slow?.close();
  });

  it('a request in flight finishes on the schema it started with; the next one sees the change', async () => {
    let settled = 0;
    const inFlight = gw.graphql('{ latestReading(id: "7") { reading { value } } }').finally(() => settled++);
    const rest = fetch(`${gw.origin}/api/latestReading?id=8`).finally(() => settled++);
    await until(async () => slow.inFlight() === 2);
    const paused = await gw.admin('mutation { pause(name: "latestReading") { state } }');
    expect(paused.data.pause.state).toBe('PAUSED');
    // The swap did not wait for the requests in flight: their upstream has not even answered yet.
    expect(settled).toBe(0);
    expect(slow.inFlight()).toBe(2);

    expect((await gw.graphql('{ latestReading(id: "7") { reading { value } } }')).errors?.[0].extensions?.code).toBe('COMPOSITE_PAUSED');
    letAnswer();
    const finished = await inFlight;
    expect(finished.errors).toBeUndefined();
    expect(finished.data).toEqual({ latestReading: { reading: { value: 1.5 } } });
    expect((await rest).status).toBe(200);
  });

  it('a rejected change leaves the running schema serving', async () => {
    const rejected = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', {
      s: SLOW(slow.url).replace('reading(id: ID!): Reading', 'measurement(id: ID!): Reading'),
    });
    expect(rejected.errors?.[0].extensions?.code).toBe('SCHEMA_REJECTED');
    expect(rejected.errors?.[0].message).toContain('Cannot query field "reading" on type "Query"');
    await gw.admin('mutation { resume(name: "latestReading") { state } }');
    expect((await gw.graphql('{ latestReading(id: "1") { reading { id } } }')).data.latestReading.reading.id).toBe('1');
  });
});
