import { isEnumType, isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpenAPI, type OpenAPIImport } from '../../src/sources/rest/openapi/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { packageFile } from '../helpers/npm-fixtures.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

/** The GitHub REST description: about 1,200 operations in 13 MB of JSON. */
const GITHUB = ['@octokit/openapi@23.0.2', 'package/generated/api.github.com.json'] as const;

describe('OpenAPI import: the GitHub REST description', () => {
  let imported: OpenAPIImport;
  let importMs: number;
  let buildMs: number;
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    const file = packageFile(...GITHUB);
    let started = performance.now();
    imported = await importOpenAPI(file, { source: 'github' });
    importMs = performance.now() - started;
    upstream = await startRecordingUpstream({
      'GET /repos/*/*': (r) => ({
        json: { id: 1296269, name: r.path.split('/')[3], full_name: r.path.slice(7), owner: { login: 'octocat', id: 1 }, stargazers_count: 80 },
      }),
      'GET /users/*': { json: { login: 'octocat', id: 1, user_view_type: 'public', name: 'The Octocat' } },
      'GET /repos/*/*/issues/*/reactions': { json: [{ id: 1, content: '+1', user: { login: 'hubot' } }] },
    });
    started = performance.now();
    gateway = await startTestGateway({ sources: { 'github.graphql': imported.sdl } }, { urls: { github: upstream.url } });
    buildMs = performance.now() - started;
    schema = gateway.graph.schema;
    // Reported, not asserted: how long import and build take is the bench's business (bench/), not a unit test's.
    console.log(
      `GitHub: import ${Math.round(importMs)} ms (${JSON.stringify(imported.timings)}), gateway build ${Math.round(buildMs)} ms, ` +
        `${imported.queries + imported.mutations} operations, ${imported.types} types, ${imported.sdl.length} bytes of SDL`,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('imports into SDL that builds', () => {
    expect(imported.queries + imported.mutations).toBeGreaterThan(1_100);
    expect(imported.specVersion).toBe('3.0');
    expect(imported.sdl).toContain('extend schema @source(name: "github", kind: REST, url: "https://api.github.com")');
  });

  it('puts on Query only the POSTs whose names read, and lists them', () => {
    // Checking a token and listing attestations in bulk read; creating, pinging or testing a webhook does not.
    expect(imported.classified).toEqual([
      { operation: 'apps/check-token', root: 'Query', reason: 'check' },
      { operation: 'orgs/list-attestations-bulk', root: 'Query', reason: 'list' },
      { operation: 'users/list-attestations-bulk', root: 'Query', reason: 'list' },
    ]);
    expect(schema.getQueryType()!.getFields().appsCheckToken).toBeDefined();
    expect(schema.getMutationType()!.getFields().reposPingWebhook).toBeDefined();
    expect(schema.getMutationType()!.getFields().reposCreateFork).toBeDefined();
  });

  it('has the operations and types a GitHub user would look for', () => {
    const query = schema.getQueryType()!.getFields();
    const mutation = schema.getMutationType()!.getFields();
    expect(String(query.reposGet.type)).toBe('FullRepository');
    expect(query.reposGet.args.map((a) => `${a.name}: ${a.type}`)).toEqual(['owner: String!', 'repo: String!']);
    expect(query.issuesListForRepo.args.find((a) => a.name === 'state')).toMatchObject({ defaultValue: 'open' });
    expect(String(mutation.issuesCreate.args.find((a) => a.name === 'input')!.type)).toBe('IssuesCreateInput!');

    const simpleUser = schema.getType('SimpleUser');
    expect(isObjectType(simpleUser) && String(simpleUser.getFields().login.type)).toBe('String!');
    const reactions = schema.getType('ReactionRollup');
    expect(isObjectType(reactions) && Object.keys(reactions.getFields())).toEqual(
      expect.arrayContaining(['plus1', 'minus1', 'total_count']),
    );
    expect(imported.sdl).toContain('plus1: Int! @wire(name: "+1")');
    expect(isEnumType(schema.getType('IssuesListForRepoState'))).toBe(true);
    const rule = schema.getType('RepositoryRule');
    expect(isUnionType(rule) && rule.getTypes().length).toBeGreaterThan(10);
  });

  it('answers through the gateway, including a union resolved by its discriminator', async () => {
    const answer = await gateway.query(`{
      reposGet(owner: "octocat", repo: "hello-world") { id name full_name owner { login } stargazers_count }
      usersGetByUsername(username: "octocat") { __typename ... on PublicUser { login name } }
      reactionsListForIssue(owner: "octocat", repo: "hello-world", issue_number: 1, content: PLUS_1, per_page: 5) { content user { login } }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      reposGet: { id: 1296269, name: 'hello-world', full_name: 'octocat/hello-world', owner: { login: 'octocat' }, stargazers_count: 80 },
      usersGetByUsername: { __typename: 'PublicUser', login: 'octocat', name: 'The Octocat' },
      reactionsListForIssue: [{ content: 'PLUS_1', user: { login: 'hubot' } }],
    });
    const reactions = upstream.received.find((r) => r.path.endsWith('/reactions'))!;
    expect(reactions.path).toBe('/repos/octocat/hello-world/issues/1/reactions');
    expect(Object.fromEntries(reactions.query)).toEqual({ content: '+1', per_page: '5', page: '1' });
  });
});
