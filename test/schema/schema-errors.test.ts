import { describe, expect, it } from 'vitest';
import { buildSourceSchema } from '../../src/schema/index.js';
import { SchemaError, schemaErrorsOf } from '../../src/errors/schema-error.js';

async function errorsOf(files: Record<string, string>): Promise<string[]> {
  try {
    const built = await buildSourceSchema(Object.entries(files).map(([path, text]) => ({ path, text })));
    await built.close();
  } catch (error) {
    return schemaErrorsOf(error).map((e: SchemaError) => e.format());
  }
  throw new Error('expected the build to fail');
}

const shop = `extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9")\n`;

describe('schema errors name the file, line and column', () => {
  it('malformed SDL', async () => {
    expect(await errorsOf({ 'schema/sources/bad.graphql': `${shop}type Query {\n  order(id: ID!: Order\n}` })).toEqual([
      'schema/sources/bad.graphql:3:16: Syntax Error: Expected Name, found ":".',
    ]);
  });

  it('a directive naming an unknown source', async () => {
    const [message] = await errorsOf({
      's.graphql': `${shop}type Query {\n  order(id: ID!): String @rest(source: "shopp", path: "/o/{id}")\n}`,
    });
    expect(message).toBe(
      's.graphql:3:26: @rest on Query.order names source "shopp", which is not declared (known: "shop")',
    );
  });

  it('a path template naming a missing argument', async () => {
    const [message] = await errorsOf({
      's.graphql': `${shop}type Query {\n  order(id: ID!): String @rest(source: "shop", path: "/orders/{orderId}")\n}`,
    });
    expect(message).toBe(
      's.graphql:3:48: @rest on Query.order: path "/orders/{orderId}" names {orderId}, but Query.order has no argument "orderId" (it has: id)',
    );
  });

  it('a body naming a missing argument, and a bad template', async () => {
    const messages = await errorsOf({
      's.graphql': `${shop}type Mutation {\n  a(x: Int): String @rest(source: "shop", method: POST, path: "/a", body: "input")\n  b: String @rest(source: "shop", path: "/b/{ x y }")\n}\ntype Query { c: String @rest(source: "shop", path: "/c") }`,
    });
    expect(messages).toEqual([
      's.graphql:3:69: @rest on Mutation.a: body names argument "input", which Mutation.a does not have',
      's.graphql:4:35: @rest on Mutation.b: "{ x y }" in template "/b/{ x y }" is not a placeholder; expected {name} or {name.field}',
    ]);
  });

  it('a root field without a source directive, an unknown type, a duplicate source, all reported together', async () => {
    const messages = await errorsOf({
      'a.graphql': `${shop}type Query { a: String }`,
      'b.graphql': `extend schema @source(name: "shop", kind: REST, url: "http://x")\ntype Query { b: Missing @rest(source: "shop", path: "/b") }`,
    });
    expect(messages).toEqual(['b.graphql:2:17: Unknown type "Missing".']);
    const more = await errorsOf({
      'a.graphql': `${shop}type Query { a: String }`,
      'b.graphql': `extend schema @source(name: "shop", kind: REST, url: "http://x")\ntype Query { b: String @rest(source: "shop", path: "/b") }`,
    });
    expect(more).toEqual([
      'b.graphql:1:15: source "shop" is declared twice; the first is at a.graphql:1:15',
    ]);
    const third = await errorsOf({ 'a.graphql': `${shop}type Query { a: String }` });
    expect(third).toEqual(['a.graphql:2:14: Query.a has no @rest, @soap or @publish directive, so nothing can resolve it']);
  });

  it('a field or type taking a name of the built-in Query._skein, at the author\'s own definition', async () => {
    expect(
      await errorsOf({
        's.graphql': `${shop}type Query {\n  _skein: String @rest(source: "shop", path: "/s")\n}\ntype SkeinSource { name: String }`,
      }),
    ).toEqual([
      "s.graphql:3:3: Query._skein is the gateway's built-in field (its version and sources); rename this field",
      "s.graphql:5:6: type SkeinSource is the gateway's own (Query._skein returns it); rename this type (`skein import … --prefix` renames a whole imported document)",
    ]);
  });

  it('a directive argument of the wrong type, and a source URL that is not HTTP', async () => {
    expect(
      await errorsOf({ 's.graphql': `${shop}type Query { a: String @rest(source: "shop", path: 7) }` }),
    ).toEqual(['s.graphql:2:24: @rest: Argument "path" has invalid value 7.']);
    expect(
      await errorsOf({
        's.graphql': `extend schema @source(name: "x", kind: REST, url: "ftp://h")\ntype Query { a: String @rest(source: "x", path: "/") }`,
      }),
    ).toEqual(['s.graphql:1:15: source "x": url "ftp://h" must start with http:// or https://']);
  });
});
