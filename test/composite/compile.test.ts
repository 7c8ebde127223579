import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { schemaErrorsOf } from '../../src/errors/schema-error.js';
import { HOTEL_ORDER, SALARY, STATEMENT, WORLD_SDL } from './world.js';

const sources = [{ path: 'world.graphql', text: WORLD_SDL('http://127.0.0.1:9') }];

async function plansOf(composites: Record<string, string>) {
  const graph = await buildGraph({ sources, composites: Object.entries(composites).map(([path, text]) => ({ path, text })) });
  await graph.close();
  return graph;
}

async function compileErrors(text: string): Promise<string[]> {
  try {
    await plansOf({ 'composites/c.graphql': text });
  } catch (error) {
    return schemaErrorsOf(error).map((e) => e.format());
  }
  throw new Error('expected the composite to be rejected');
}

describe('compiling composites into plans', () => {
  let graph: Awaited<ReturnType<typeof plansOf>>;
  beforeAll(async () => {
    graph = await plansOf({ 'hotelOrder.graphql': HOTEL_ORDER, 'salary.graphql': SALARY, 'statement.graphql': STATEMENT });
  });
  afterAll(() => graph.close());

  it('hotelOrder: order first, then user, hotel and room in parallel', () => {
    const plan = graph.plans.get('hotelOrder')!;
    expect(plan.stages).toEqual([['order'], ['user', 'hotel', 'room']]);
    expect(plan.steps.map((s) => [s.key, s.dependsOn])).toEqual([
      ['order', []],
      ['user', ['order']],
      ['hotel', ['order']],
      ['room', ['order']],
    ]);
    expect(plan.criticalPath).toEqual(['order', 'user']);
    expect(plan.variables.filter((v) => v.internal).map((v) => [v.name, v.exportedBy])).toEqual([
      ['userId', 'order'],
      ['hotelId', 'order'],
      ['roomId', 'order'],
    ]);
  });

  it('salary: a chain where the last step needs both earlier results', () => {
    const plan = graph.plans.get('salary')!;
    expect(plan.stages).toEqual([['gross'], ['insurance'], ['net']]);
    expect([...plan.steps.find((s) => s.key === 'net')!.dependsOn].sort()).toEqual(['gross', 'insurance']);
    expect(plan.criticalPath).toEqual(['gross', 'insurance', 'net']);
  });

  it('customerStatement: a branch on data, decided by an export with a test', () => {
    const plan = graph.plans.get('customerStatement')!;
    expect(plan.stages).toEqual([['verification'], ['statement', 'warning']]);
    expect(plan.steps[0].exports).toEqual([
      { variable: 'verified', path: ['verification', 'status'], list: false, test: { equals: 'PASSED' } },
    ]);
    expect(plan.steps[1].conditions).toEqual([{ kind: 'include', variable: 'verified', literal: undefined }]);
    expect(plan.steps[2].conditions).toEqual([{ kind: 'skip', variable: 'verified', literal: undefined }]);
  });

  it('each composite becomes a field whose arguments are its non-internal variables', () => {
    const field = graph.schema.getQueryType()!.getFields().hotelOrder;
    expect(field.args.map((a) => `${a.name}: ${a.type}`)).toEqual(['orderId: ID!']);
    expect(String(field.type)).toBe('HotelOrder');
    const result = graph.schema.getType('HotelOrder') as import('graphql').GraphQLObjectType;
    expect(Object.keys(result.getFields())).toEqual(['order', 'user', 'hotel', 'room']);
    expect(field.description).toContain('Plan: order → user ‖ hotel ‖ room');
  });

  it('a composite may use another composite as a step', async () => {
    const g = await plansOf({
      'a.graphql': `query bookingSummary($orderId: ID!, $stars: ID @internal) {
        hotelOrder(orderId: $orderId) { hotel { stars @export(as: "stars") } }
        stars: hotel(id: $stars) { name }
      }`,
      'b.graphql': HOTEL_ORDER,
    });
    expect(g.plans.get('bookingSummary')!.stages).toEqual([['hotelOrder'], ['stars']]);
  });
});

describe('compile errors name the file, line and variables', () => {
  it('a cycle, printed', async () => {
    const [message] = await compileErrors(`query c($a: ID @internal, $b: ID @internal) {
  first: user(id: $b) { id @export(as: "a") }
  second: hotel(id: $a) { id @export(as: "b") }
}`);
    expect(message).toBe(
      'composites/c.graphql:2:3: composite c: its steps depend on each other in a cycle: first → second (needs $a) → first (needs $b)',
    );
  });

  it('an internal variable never exported', async () => {
    expect(await compileErrors(`query c($id: ID!, $userId: ID @internal) { order(id: $id) { id } user(id: $userId) { name } }`)).toEqual([
      'composites/c.graphql:1:19: composite c: $userId is declared @internal but no step exports it; add @export(as: "userId") to a field',
    ]);
  });

  it('a variable exported twice', async () => {
    expect(
      await compileErrors(`query c($id: ID!, $u: ID @internal) {
  order(id: $id) { userId @export(as: "u") }
  other: order(id: "2") { hotelId @export(as: "u") }
  user(id: $u) { name }
}`),
    ).toEqual(['composites/c.graphql:3:35: composite c: $u is exported twice, by "order.userId" and by "other.hotelId"']);
  });

  it('a step that uses its own export', async () => {
    expect(await compileErrors(`query c($u: ID @internal) { user(id: $u) { id @export(as: "u") } }`)).toEqual([
      'composites/c.graphql:1:29: composite c: step "user" uses $u, which it exports itself; a step can only use what other steps export',
    ]);
  });

  it('an exported field whose type cannot coerce to the variable', async () => {
    expect(
      await compileErrors(`query c($id: ID!, $n: Boolean @internal) {
  order(id: $id) { total @export(as: "n") }
  statement(customerId: "1") @include(if: $n) { iban }
}`),
    ).toEqual(['composites/c.graphql:2:26: composite c: "order.total" exports Float into $n: Boolean; Float does not coerce to Boolean']);
    expect(
      await compileErrors(`query c($u: ID @internal) {
  orders(limit: 3) { userId @export(as: "u") }
  user(id: $u) { name }
}`),
    ).toEqual([
      'composites/c.graphql:2:29: composite c: "orders.userId" exports [ID] into $u: ID; it is a list (it lies inside a list), the variable is not',
    ]);
  });

  it('an export into a variable not declared @internal', async () => {
    expect(await compileErrors(`query c($id: ID!, $u: ID!) { order(id: $id) { userId @export(as: "u") } user(id: $u) { name } }`)).toEqual([
      'composites/c.graphql:1:19: composite c: $u is exported by step "order", so it must be declared @internal (callers cannot set it)',
    ]);
  });

  it('invalid GraphQL, as graphql-js validation reports it', async () => {
    expect(await compileErrors(`query c { nope { id } }`)).toEqual([
      'composites/c.graphql:1:11: Cannot query field "nope" on type "Query".',
    ]);
  });

  it('mutations may only use exports of earlier mutations', async () => {
    expect(
      await compileErrors(`mutation c($a: ID @internal) {
  first: record(step: 1, after: $a) { id }
  second: record(step: 2) { id @export(as: "a") }
}`),
    ).toEqual(['composites/c.graphql:2:3: composite c: mutations run in document order, but "first" uses $a from the later step "second"']);
  });

  it('every misplaced @export at once, each at its place', async () => {
    const errors = await compileErrors(`query c($a: ID @internal, $h: ID @internal) {
  order(id: "1") { user @export(as: "a") { id } }
  hotel(id: "2") { id @export(as: "h", equals: "2", notEquals: "3") }
  user(id: $a) { name }
  room(roomId: $h) { type }
}`);
    expect(errors).toEqual([
      'composites/c.graphql:2:25: @export on "order.user": only a leaf field (scalar or enum) can be exported',
      'composites/c.graphql:3:23: @export(as: "h") has equals and notEquals; give one test',
    ]);
  });
});
