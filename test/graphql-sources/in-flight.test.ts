import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '../../src/sources/graphql/graphql-client.js';
import type { SourceConfig } from '../../src/sources/index.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// Identical query operations on the wire at the same time are sent once, as Hive Gateway
// does; mutations never are. The upstream holds its answer until the test lets it go, so
// "at the same time" is a fact, not a race.
describe('in-flight deduplication of GraphQL queries', () => {
  let upstream: RecordingUpstream;
  let release: () => void;
  let client: GraphQLClient;
  beforeAll(async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream = await startRecordingUpstream({ 'POST /graphql': { json: { data: { hello: 'world' } }, holdUntil: held } });
    const source: SourceConfig = {
      name: 'held',
      kind: 'GRAPHQL',
      url: `${upstream.url}/graphql`,
      headers: {},
      forwardHeaders: [],
      callerHeaders: [],
      callerHeaderEnv: {},
      timeoutMs: 10_000,
      options: {},
      file: 'held.graphql',
      documents: { folder: '.' },
      location: undefined,
    };
    client = new GraphQLClient(source);
  });
  afterAll(async () => {
    await client?.close();
    await upstream?.close();
  });

  it('sends an identical query once while it is in flight, and each caller gets its own copy', async () => {
    const request = { query: '{ hello }', variables: {} };
    const first = client.send(request, 'Query.hello', {}, true);
    const second = client.send(request, 'Query.hello', {}, true);
    const mutation = client.send({ query: 'mutation { hello }', variables: {} }, 'Mutation.hello', {}, false);
    const other = client.send({ query: 'mutation { hello }', variables: {} }, 'Mutation.hello', {}, false);
    await expect.poll(() => upstream.received.length).toBe(3);
    release();
    const [a, b] = await Promise.all([first, second, mutation, other]);
    expect(a).toEqual({ data: { hello: 'world' }, errors: [] });
    expect(b).toEqual(a);
    expect(b.data).not.toBe(a.data);
    expect(upstream.received.map((r) => JSON.parse(r.body).query).sort()).toEqual(['mutation { hello }', 'mutation { hello }', '{ hello }']);
  });
});
