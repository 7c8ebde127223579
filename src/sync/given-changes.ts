import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  execute,
  getNamedType,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { wireNameOf } from '../sources/index.js';
import type { SyncDefinition } from './sync-definition.js';

/**
 * Changes a source system sent with a webhook call or a message, for a run to apply
 * instead of reading the source: records already mapped by the job's selection (the shape
 * a read page has), and the keys to delete.
 */
export interface GivenChanges {
  readonly records: readonly Record<string, unknown>[];
  readonly deleted: readonly string[];
}

/** Why a body cannot be applied: 400 (its shape or a record is wrong) or 422 (it asks what the job cannot do). */
export class GivenChangesError extends Error {
  override readonly name = 'GivenChangesError';
  constructor(
    message: string,
    readonly status: 400 | 422,
    readonly code: 'BAD_CHANGES' | 'DELETE_NOT_SUPPORTED',
  ) {
    super(message);
  }
}

const SHAPE = 'expected { "records": [ {…}, … ], "deleted": [ "<key>", … ] }, one record object, or an array of records';

/** How many record problems one answer lists. */
const LISTED_PROBLEMS = 5;

/**
 * Reads a webhook's or message's JSON body: `{ "records": [...], "deleted": [...] }` (either
 * may be left out; `records` may be one object), one record object, or a bare array of
 * records. Records are in the source's shape (what the job's read operation returns for
 * one item) and are mapped with the job's selection (aliases rename, unselected fields are
 * dropped, values are checked against their types); each must carry the key. Undefined
 * for a body without changes (nothing, `null` or `{}`): a change notification, on which the
 * job reads its source. Throws a GivenChangesError saying what is wrong and where.
 */
export async function readGivenChanges(body: unknown, definition: SyncDefinition, schema: GraphQLSchema): Promise<GivenChanges | undefined> {
  if (body === undefined || body === null) return undefined;
  let records: unknown[];
  let deleted: unknown[] = [];
  let where = 'records';
  if (Array.isArray(body)) {
    records = body;
  } else if (typeof body === 'object') {
    const fields = Object.keys(body);
    if (fields.length === 0) return undefined;
    const envelope = body as Record<string, unknown>;
    if ('records' in envelope || 'deleted' in envelope) {
      const unknown = fields.filter((f) => f !== 'records' && f !== 'deleted');
      if (unknown.length) throw bad(`the body has ${unknown.map((f) => `"${f}"`).join(', ')}, which it does not take; ${SHAPE}`);
      const given = envelope.records ?? [];
      if (given === null || typeof given !== 'object') throw bad(`"records" must be an array of record objects (or one object), not ${describe(given)}`);
      records = Array.isArray(given) ? given : [given];
      if (!Array.isArray(given)) where = 'record';
      const keys = envelope.deleted ?? [];
      if (!Array.isArray(keys)) throw bad(`"deleted" must be an array of keys, not ${describe(keys)}`);
      deleted = keys;
    } else {
      records = [body];
      where = 'record';
    }
  } else {
    throw bad(`${SHAPE}; found ${describe(body)}`);
  }

  const name = (index: number) => (where === 'record' ? 'the record' : `records[${index}]`);
  const problems: string[] = [];
  records.forEach((record, index) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) problems.push(`${name(index)} must be a record object, not ${describe(record)}`);
  });
  throwIfProblems(problems);

  const mapper = recordMapper(definition, schema);
  const result = await execute({ schema: mapper.schema, document: mapper.document, rootValue: { records } });
  const keyless = (index: number) =>
    `${name(index)} has no ${mapper.keySource === definition.key ? `"${definition.key}"` : `"${mapper.keySource}" (the job's key "${definition.key}")`}, the key of the job's records`;
  for (const error of result.errors ?? []) {
    const [, index, field, deeper] = error.path ?? [];
    // A key the type requires is missing: say it as for a nullable key.
    if (typeof index === 'number' && field === definition.key && deeper === undefined && error.message.startsWith('Cannot return null')) problems.push(keyless(index));
    else problems.push(describeError(error, name));
  }
  const mapped = ((result.data as { records?: (Record<string, unknown> | null)[] } | null)?.records ?? []).map((r) => (r ? { ...r } : null));
  const keys = new Set<string>();
  mapped.forEach((record, index) => {
    if (!record) return; // its problem is listed already
    const key = record[definition.key];
    if (key === undefined || key === null) problems.push(keyless(index));
    else keys.add(String(key));
  });
  const deletedKeys: string[] = [];
  deleted.forEach((key, index) => {
    if (typeof key !== 'string' && typeof key !== 'number') problems.push(`deleted[${index}] must be a key (a string or a number), not ${describe(key)}`);
    else if (keys.has(String(key))) problems.push(`deleted[${index}] "${key}" is also among the records: a key is either written or deleted`);
    else deletedKeys.push(String(key));
  });
  throwIfProblems(problems);
  if (deletedKeys.length && !definition.writes.delete) {
    throw new GivenChangesError(
      `sync job ${definition.name} cannot delete: its @sync has no delete: "…" call (e.g. delete: "deleteContact(id: $key) { id }"), so "deleted" (${deletedKeys.length} key${deletedKeys.length > 1 ? 's' : ''}) cannot be applied; nothing was queued`,
      422,
      'DELETE_NOT_SUPPORTED',
    );
  }
  return { records: mapped as Record<string, unknown>[], deleted: deletedKeys };
}

/** The job's selection of one record, run by graphql-js over plain objects: the mapping a read page gets, without calling the source. */
interface RecordMapper {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  /** The source field the job's key is read from (its name before an alias). */
  readonly keySource: string;
}

const mappers = new WeakMap<GraphQLSchema, Map<string, RecordMapper>>();
const plainSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();

function recordMapper(definition: SyncDefinition, schema: GraphQLSchema): RecordMapper {
  let bySchema = mappers.get(schema);
  if (!bySchema) mappers.set(schema, (bySchema = new Map()));
  const cacheKey = `${definition.read}\n${definition.items}\n${definition.key}`;
  let mapper = bySchema.get(cacheKey);
  if (!mapper) bySchema.set(cacheKey, (mapper = compileMapper(definition, schema)));
  return mapper;
}

function compileMapper(definition: SyncDefinition, served: GraphQLSchema): RecordMapper {
  const plain = plainSchemaOf(served);
  const operation = definition.readDocument.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  let node = operation.selectionSet.selections[0] as FieldNode;
  let type: GraphQLOutputType | undefined = plain.getQueryType()?.getFields()[node.name.value]?.type;
  if (!type) throw new Error(`${definition.file}: the graph has no Query.${node.name.value} any more`);
  for (const part of definition.items ? definition.items.split('.') : []) {
    const parent: GraphQLNamedType = getNamedType(type);
    const next = node.selectionSet?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias ?? s.name).value === part);
    if (!next || !(isObjectType(parent) || isInterfaceType(parent))) throw new Error(`${definition.file}: paging.items "${definition.items}" is not selected`);
    node = next;
    type = parent.getFields()[node.name.value]?.type;
    if (!type) throw new Error(`${definition.file}: ${parent.name} has no field ${node.name.value}`);
  }
  const item = getNamedType(type);
  if (!isCompositeType(item) || !node.selectionSet) throw new Error(`${definition.file}: the records of ${definition.field} are not objects`);
  const root = new GraphQLObjectType({ name: 'SkeinSyncGivenRecords', fields: { records: { type: new GraphQLList(item as GraphQLCompositeType) } } });
  const schema = new GraphQLSchema({ query: root, types: Object.values(plain.getTypeMap()).filter((t) => !t.name.startsWith('__')) });
  const selectionSet: SelectionSetNode = node.selectionSet;
  const fragments = definition.readDocument.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: operation.operation,
        selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'records' }, selectionSet }] },
      },
      ...fragments,
    ],
  };
  const keyField = selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias ?? s.name).value === definition.key);
  return { schema, document, keySource: keyField?.name.value ?? definition.key };
}

/**
 * The served schema's types with every field resolver taken off, but for `@wire` renames
 * (read by their wire name, as the served graph reads an upstream's answer): a record is
 * mapped as it stands, never fetched or joined. Scalars and enums keep how they serialize.
 */
function plainSchemaOf(served: GraphQLSchema): GraphQLSchema {
  let plain = plainSchemas.get(served);
  if (!plain) {
    plain = mapSchema(served, {
      [MapperKind.OBJECT_FIELD]: (field) => {
        const wire = wireNameOf(field);
        return { ...field, resolve: wire === undefined ? undefined : (parent: Record<string, unknown> | null) => parent?.[wire], subscribe: undefined };
      },
    });
    plainSchemas.set(served, plain);
  }
  return plain;
}

function describeError(error: GraphQLError, name: (index: number) => string): string {
  const [, index, ...rest] = error.path ?? [];
  const at = typeof index === 'number' ? `${name(index)}${rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}` : 'the body';
  const missing = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/.exec(error.message);
  if (missing) return `${at}: ${missing[1]}.${missing[2]} is required and the record has no value for it`;
  return `${at}: ${error.message}`;
}

function throwIfProblems(problems: readonly string[]): void {
  if (problems.length === 0) return;
  const more = problems.length > LISTED_PROBLEMS ? ` (and ${problems.length - LISTED_PROBLEMS} more)` : '';
  throw bad(`${problems.slice(0, LISTED_PROBLEMS).join('; ')}${more}; nothing was queued`);
}

function bad(message: string): GivenChangesError {
  return new GivenChangesError(message, 400, 'BAD_CHANGES');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'string' ? 'a string' : `a ${typeof value}`} (${JSON.stringify(value).slice(0, 40)})`;
}
