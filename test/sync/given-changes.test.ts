import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GivenChangesError, readGivenChanges, readSyncDefinition } from '../../src/sync/index.js';

// The mapping of given records is the job's own selection run by graphql-js over them: these
// check the parts of a selection a read page has and a webhook body must get alike.
const schema = buildSchema(/* GraphQL */ `
  directive @wire(name: String!) on FIELD_DEFINITION
  type Query { people(after: String): PersonPage! }
  type PersonPage { nodes: [Person!]! pageInfo: PageInfo! }
  type PageInfo { endCursor: String }
  type Person { id: ID! name: String! age: Int createdAt: String @wire(name: "created-at") address: Address }
  type Address { city: String street: String }
  type Mutation { putPerson(id: ID!, input: PersonInput!): Person }
  input PersonInput { id: ID! fullName: String! }
`);

const definition = readSyncDefinition(/* GraphQL */ `
  query paged($after: String) @sync(
    key: "personId"
    paging: { style: CURSOR, variable: "after", next: "pageInfo.endCursor", items: "nodes" }
    upsert: "putPerson(id: $key, input: $record) { id }"
  ) {
    people(after: $after) { nodes { personId: id fullName: name ...extra home: address { town: city } } pageInfo { endCursor } }
  }
  fragment extra on Person { age createdAt }
`);

describe('given records mapped by the job selection', () => {
  it('renames by alias (nested too), follows fragments and @wire names, drops what is not selected, coerces scalars', async () => {
    const given = await readGivenChanges(
      { records: [{ id: 7, name: 'Ada', age: 36, 'created-at': '2026-01-01', address: { city: 'Oslo', street: 'not selected' }, extra: 'dropped' }] },
      definition,
      schema,
    );
    expect(given).toEqual({
      records: [{ personId: '7', fullName: 'Ada', age: 36, createdAt: '2026-01-01', home: { town: 'Oslo' } }],
      deleted: [],
    });
  });

  it('names the record and the field of what is wrong, and the key by its source field', async () => {
    const refusal = await readGivenChanges([{ id: '1', name: 'A', age: 'old' }, { name: 'B' }], definition, schema).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GivenChangesError);
    expect((refusal as GivenChangesError).status).toBe(400);
    expect((refusal as GivenChangesError).message).toBe(
      'records[0].age: Int cannot represent non-integer value: "old"; records[1] has no "id" (the job\'s key "personId"), the key of the job\'s records; nothing was queued',
    );
  });

  it('a body without changes is a notification; a deletion needs a delete call', async () => {
    expect(await readGivenChanges(undefined, definition, schema)).toBeUndefined();
    expect(await readGivenChanges({}, definition, schema)).toBeUndefined();
    await expect(readGivenChanges({ deleted: ['1'] }, definition, schema)).rejects.toMatchObject({ status: 422, code: 'DELETE_NOT_SUPPORTED' });
    await expect(readGivenChanges('changed', definition, schema)).rejects.toMatchObject({
      status: 400,
      message: 'expected { "records": [ {…}, … ], "deleted": [ "<key>", … ] }, one record object, or an array of records; found a string ("changed")',
    });
  });
});
