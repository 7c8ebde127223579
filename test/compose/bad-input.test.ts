import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRequest } from '../../src/compose/index.js';
import { SchemaErrors, type SchemaError } from '../../src/errors/schema-error.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';

// Each case of the "Bad input": a clear error at the request document's line and
// column, naming what is wrong and what to do. (That nothing is saved is checked where
// drafts are saved: test/compose/admin-draft.test.ts.)

let graph: Graph;
beforeAll(async () => {
  graph = await buildGraph(loadSchemaFolder('schema'), { onSourceError: 'degrade' });
});
afterAll(async () => {
  await graph?.close();
});

/** The errors a request gets, as the CLI prints them: `file:line:column: message`. */
function errorsOf(text: string): string[] {
  try {
    composeRequest(graph, text, { file: 'req.yaml' });
  } catch (error) {
    if (error instanceof SchemaErrors) return error.errors.map((e) => e.format());
    return [(error as SchemaError).format()];
  }
  throw new Error('the request drafted without an error');
}

const HOTEL = (dependencies: string, steps = '') => `composite: booking
inputs: { orderId: ID! }
steps:
  order: { need: "order details by order id", args: { id: $orderId } }
  user:  { need: "user details" }
${steps}dependencies:
${dependencies}`;

describe('bad requests are refused at their line and column', () => {
  it('an unknown step in a dependency, with the steps there are', () => {
    expect(errorsOf(HOTEL('  - { step: user, on: ordr }\n'))).toEqual([
      'req.yaml:7:23: the table names a step "ordr" that the request does not have; steps: order, user',
    ]);
  });

  it('a cycle in the table, printed', () => {
    const errors = errorsOf(HOTEL('  - { step: user, on: order }\n  - { step: order, on: hotel }\n  - { step: hotel, on: user }\n', '  hotel: { need: "hotel details" }\n'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^req\.yaml:\d+:\d+: the table has a cycle: (\w+ → ){3}\w+; a step cannot wait for itself$/);
    expect(errors[0]).toContain('order → user → hotel → order');
  });

  it('a step depending on itself', () => {
    expect(errorsOf(HOTEL('  - { step: user, on: user }\n'))).toEqual(['req.yaml:7:23: step user depends on itself']);
  });

  it('a need that matches nothing, with the three nearest', () => {
    const errors = errorsOf(`composite: points
inputs: { customerId: ID! }
steps:
  points: { need: "loyalty points earned by a customer" }
`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^req\.yaml:4:19: step points: no served operation matches "loyalty points earned by a customer"; the nearest: /);
    const nearest = /the nearest: (.*)\. Say it/.exec(errors[0])![1];
    expect(nearest.split(/\), /)).toHaveLength(3);
    expect(nearest).toContain('Query.statement (bank, ');
    expect(errors[0]).toContain('name the operation with api: Query.<field>');
  });

  it('an ambiguous need, with the candidates and how to choose', () => {
    const errors = errorsOf(`composite: people
steps:
  people: { need: "users" }
`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^req\.yaml:3:19: step people: "users" matches 2 operations about as well: Query\.user(s)? \(users, [\d.]+: users\), Query\.user(s)? /);
    expect(errors[0]).toContain('(api: Query.user');
    expect(errors[0]).toContain('(--pick people=Query.user');
  });

  it('a `when` on a field the step does not return, with the fields it has', () => {
    const errors = errorsOf(`composite: statementIfVerified
inputs: { customerId: ID! }
steps:
  verification: { need: "identity verification of a customer" }
  statement:    { need: "account statement of a customer" }
dependencies:
  - { step: statement, on: verification, when: "state == PASSED" }
`);
    expect(errors).toEqual([
      'req.yaml:7:48: condition "state == PASSED": step verification returns no field "state"; it has customerId, status, checkedAt',
    ]);
  });

  it('a condition comparing an enum with a value it does not have', () => {
    const errors = errorsOf(`composite: statementIfVerified
inputs: { customerId: ID! }
steps:
  verification: { api: Query.verification }
  statement:    { api: Query.statement }
dependencies:
  - { step: statement, on: verification, when: "status == PASS" }
`);
    expect(errors).toEqual(['req.yaml:7:48: condition "status == PASS": VerificationStatus has no value "PASS"; it has PASSED, FAILED']);
  });

  it('an argument that cannot be wired, naming it and the candidate fields', () => {
    const errors = errorsOf(`composite: lonelyUser
inputs: { orderId: ID! }
steps:
  order: { api: Query.order, args: { id: $orderId } }
  hotel: { api: Query.hotel }
  user:  { api: Query.user }
dependencies:
  - { step: user, on: hotel }
`);
    // hotel(id:) has nothing to depend on; user(id:) depends on hotel, whose fields hold no user id.
    expect(errors).toEqual([
      'req.yaml:5:17: step hotel: argument id: ID! of hotel matches no input and no field of no step (it depends on none) by name; ' +
        'candidates of its type: $orderId; wire it in the request: `args: { id: <step>.<field> }` or `{ id: $<input> }`',
    ]);
  });

  it('an argument wired to a field the step does not return', () => {
    const errors = errorsOf(HOTEL('  - { step: user, on: order }\n').replace('user:  { need: "user details" }', 'user:  { need: "user details", args: { id: order.customer } }'));
    expect(errors).toEqual([
      "req.yaml:5:46: step user: argument id: order's result (Order) has no field \"customer\"; it has id, userId, hotelId, roomId, total",
    ]);
  });

  it('a protocol no step speaks', () => {
    const errors = errorsOf(`composite: hotelOnly
inputs: { id: ID! }
protocol: SOAP
steps:
  hotel: { need: "hotel details", args: { id: $id } }
`);
    expect(errors).toEqual([
      'req.yaml:3:11: protocol: SOAP is spoken by none of the steps: hotel (REST); give REST or SOAP as one of them speaks, or leave protocol out',
    ]);
  });

  it('a document that is not YAML, and unknown keys', () => {
    expect(errorsOf('composite: x\nsteps: { a: [1, 2\n')[0]).toMatch(/^req\.yaml:\d+:\d+: /);
    expect(errorsOf(`composite: x
stepz: {}
steps:
  a: { ned: "hotel" }
`)).toEqual([
      'req.yaml:2:1: a request has no key "stepz"; known keys: composite, description, inputs, steps, dependencies, protocol',
      'req.yaml:4:8: step a has no key "ned"; known keys: need, api, args, select',
      'req.yaml:4:3: step a: give need (what it does, in words) or api (the operation, such as Query.user)',
    ]);
  });

  it('an operation named with api that the graph does not serve, with the nearest', () => {
    const errors = errorsOf(`composite: x
steps:
  a: { api: Query.hotels }
`);
    expect(errors[0]).toMatch(/^req\.yaml:3:13: step a: the served graph has no operation Query\.hotels; the nearest: Query\.hotel /);
  });
});
