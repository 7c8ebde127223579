import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRequest, type DraftedComposite } from '../../src/compose/index.js';
import type { CompositePlan } from '../../src/composite/index.js';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';

// The method's three examples, drafted from request documents (test/compose/requests/) over
// the demo graph, then served by a real gateway over the demo upstreams next to one serving
// the hand-written composites of schema/composites/: same plan, same answers.

const EXAMPLES = ['hotelOrder', 'salary', 'customerStatement'] as const;
const requestFile = (name: string) => `test/compose/requests/${name}.yaml`;

/** What makes two plans the same: the stages, and per step its field, what it waits for and how it is conditioned. */
function shape(plan: CompositePlan) {
  return {
    stages: plan.stages,
    steps: plan.steps.map((s) => ({ key: s.key, field: s.field, dependsOn: s.dependsOn, conditions: s.conditions.map((c) => c.kind) })),
    criticalPath: plan.criticalPath,
  };
}

describe('the three examples drafted from request documents', () => {
  let demo: DemoUpstreams;
  let handWritten: Graph;
  let drafted: Record<string, DraftedComposite>;
  let byHand: RunningGateway;
  let byDraft: RunningGateway;

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    const folder = loadSchemaFolder('schema');
    handWritten = await buildGraph(folder, { urls: demo.urls, onSourceError: 'fail' });
    drafted = Object.fromEntries(EXAMPLES.map((name) => [name, composeRequest(handWritten, readFileSync(requestFile(name), 'utf8'), { file: requestFile(name) })]));
    const draftedGraph = await buildGraph(
      { sources: folder.sources, composites: EXAMPLES.map((name) => ({ path: `${name}.graphql`, text: drafted[name].document })) },
      { urls: demo.urls, onSourceError: 'fail' },
    );
    byHand = await startGateway({ graph: handWritten, port: 0, host: '127.0.0.1' });
    byDraft = await startGateway({ graph: draftedGraph, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await byHand?.close();
    await byDraft?.close();
    await demo?.close();
  });

  const ask = async (gateway: RunningGateway, query: string) => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  it.each(EXAMPLES)('%s: the drafted plan is the hand-written one', (name) => {
    expect(shape(drafted[name].plan)).toEqual(shape(handWritten.plans.get(name)!));
  });

  it.each(EXAMPLES)('%s: the draft is plain GraphQL, valid under stock graphql-js against the served schema', (name) => {
    expect(validate(handWritten.schema, parse(drafted[name].document))).toEqual([]);
    expect(drafted[name].document).toMatch(/@internal/);
    // A comment line per step saying what it was matched from.
    for (const step of drafted[name].plan.steps) expect(drafted[name].document).toContain(`# ${step.key}: "`);
  });

  it('hotelOrder: each step matched from its words; user and room chosen over users and rooms because their arguments fill', () => {
    const matches = Object.fromEntries(drafted.hotelOrder.matches.map((m) => [m.step, m]));
    expect(Object.fromEntries(Object.entries(matches).map(([k, m]) => [k, m.field]))).toEqual({
      order: 'Query.order',
      user: 'Query.user',
      hotel: 'Query.hotel',
      room: 'Query.room',
    });
    expect(matches.user.candidates.map((c) => c.field)).toContain('Query.users');
    expect(matches.user.candidates[0].words).toEqual(['user']);
    expect(drafted.hotelOrder.document).toContain('userId @export(as: "userId")');
    expect(drafted.hotelOrder.document).toContain('room(roomId: $roomId)');
  });

  it('the protocol is the majority of the steps: hotelOrder REST (3 of 4), salary SOAP (3 of 3), customerStatement REST', () => {
    expect(drafted.hotelOrder.protocol).toBe('REST');
    expect(drafted.hotelOrder.protocolCounts).toEqual({ REST: 3, SOAP: 1 });
    expect(drafted.salary.protocol).toBe('SOAP');
    expect(drafted.customerStatement.protocol).toBe('REST');
    // The hand-written ones, without a recorded protocol, get the same from the graph.
    expect(handWritten.protocols.get('salary')).toBe('SOAP');
    expect(handWritten.protocols.get('hotelOrder')).toBe('REST');
  });

  it('hotelOrder answers as the hand-written one', async () => {
    const query = `{ hotelOrder(orderId: "1") { order { id userId hotelId roomId total } user { name age gender } hotel { name stars address } room { type floor hasWindow } } }`;
    const [expected, actual] = await Promise.all([ask(byHand, query), ask(byDraft, query)]);
    expect(expected.errors).toBeUndefined();
    expect(actual).toEqual(expected);
  });

  it('salary answers as the hand-written one', async () => {
    const query = `{ salary(employeeId: "7") { grossSalary socialInsurance netSalary } }`;
    const [expected, actual] = await Promise.all([ask(byHand, query), ask(byDraft, query)]);
    expect(expected.data).toEqual({ salary: { grossSalary: expect.any(Number), socialInsurance: expect.any(Number), netSalary: 4089.19 } });
    expect(actual).toEqual(expected);
  });

  it('customerStatement answers as the hand-written one, verified (statement) and not (warning)', async () => {
    const query = (id: string) =>
      `{ customerStatement(customerId: "${id}") { verification { status checkedAt } statement { iban balance transactions { date amount description } } warning { level message } } }`;
    for (const id of ['1', '3']) {
      const [expected, actual] = await Promise.all([ask(byHand, query(id)), ask(byDraft, query(id))]);
      expect(expected.errors).toBeUndefined();
      expect(actual).toEqual(expected);
    }
    const failed = await ask(byDraft, query('3'));
    expect(failed.data).toMatchObject({ customerStatement: { statement: null, warning: { message: expect.any(String) } } });
  });
});
