import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { schemaErrorsOf } from '../../src/errors/schema-error.js';

const base = (extra: string) => `extend schema @source(name: "s", kind: REST, url: "http://127.0.0.1:9")
type Order { id: ID! userId: ID ${extra} }
type User { id: ID! name: String }
type Query {
  order(id: ID!): Order @rest(source: "s", path: "/o/{id}")
  user(id: ID!): User @rest(source: "s", path: "/u/{id}")
  users(ids: [ID!]!): [User!]! @rest(source: "s", path: "/u")
  one(id: ID!): User @rest(source: "s", path: "/one/{id}") @batch(query: "users(ids: $id)", key: "nope")
}`;

async function errorsOf(extra: string): Promise<string[]> {
  try {
    const graph = await buildGraph({ sources: [{ path: 's.graphql', text: base(extra) }], composites: [] });
    await graph.close();
    return [];
  } catch (error) {
    return schemaErrorsOf(error).map((e) => e.format());
  }
}

describe('@join and @batch are checked when the schema is built', () => {
  it('reports a join variable that is neither an argument nor a parent field, a wrong return type, and a bad batch key', async () => {
    expect(await errorsOf(`user: User @join(query: "user(id: $ownerId)") wrong: Order @join(query: "user(id: $userId)")`)).toEqual([
      's.graphql:8:60: @batch on Query.one: key "nope": User has no field "nope"',
      's.graphql:2:44: @join on Order.user: $ownerId is neither an argument of Order.user nor a field of Order',
      's.graphql:2:92: @join on Order.wrong: Query.user returns User, which does not fit Order.wrong: Order',
    ]);
  });

  it('reports a join calling an unknown field or missing a required argument', async () => {
    const messages = await errorsOf(`a: User @join(query: "usr(id: $userId)") b: User @join(query: "user")`);
    expect(messages.slice(1)).toEqual([
      's.graphql:2:41: @join on Order.a: Query has no field "usr"',
      's.graphql:2:82: @join on Order.b: Query.user needs argument "id"',
    ]);
  });
});
