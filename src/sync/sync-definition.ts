import {
  Kind,
  parse,
  print,
  Source,
  visit,
  type ArgumentNode,
  type ConstValueNode,
  type DocumentNode,
  type GraphQLError,
  type ObjectValueNode,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import cronParser from 'cron-parser';
import { SchemaError, throwIfAny, type SchemaLocation } from '../errors/schema-error.js';
import { isGatewaySecret } from '../sources/index.js';

/** How a run decides what to write: everything, what changed since the cursor, or what differs from the last run. */
export type SyncRule = 'FULL' | 'INCREMENTAL' | 'DIFF';
export type PagingStyle = 'NONE' | 'OFFSET' | 'PAGE' | 'CURSOR';

export interface SyncPaging {
  readonly style: PagingStyle;
  /** The operation variable that carries the position: offset, page number or cursor. */
  readonly variable?: string;
  /** Records per page (OFFSET, PAGE): a shorter page is the last one. */
  readonly size?: number;
  /** The variable that carries `size`, when the operation takes one. */
  readonly sizeVariable?: string;
  /** The first page's number (PAGE), 1 by default. */
  readonly first?: number;
  /** CURSOR: the path, from the root field's value, of the next page's cursor (`pageInfo.endCursor`); empty or null ends. */
  readonly next?: string;
}

export interface SyncWrites {
  /** A Mutation field call with its selection, e.g. `createContact(input: $record) { id }`; `$record`, `$key` and `$idempotencyKey` are bound. */
  readonly create?: string;
  readonly update?: string;
  /** Written when a key vanished from the source (DIFF rule). */
  readonly delete?: string;
  /** One call for both create and update, when the target has one. */
  readonly upsert?: string;
  /** A Query field call that reads a written record back, e.g. `contact(id: $key) { fullName email }`: each field selected must equal the record's. */
  readonly verify?: string;
}

/** A sync job as declared: read records from the graph, map them, write them to target mutations by key. */
export interface SyncDefinition {
  readonly name: string;
  readonly file: string;
  /** The read operation without `@sync`, with the mapping's renames as aliases: run as it is against the graph. */
  readonly read: string;
  /** The same, parsed from the file: its nodes keep file, line and column for the graph's validation. */
  readonly readDocument: DocumentNode;
  /** The root field (its response key) whose value holds the records. */
  readonly field: string;
  /** Where the records are under the root field's value (`nodes`, `items`); empty: the value is the list. */
  readonly items: string;
  /** The mapped record's field that identifies it in the target. */
  readonly key: string;
  readonly rule: SyncRule;
  /** INCREMENTAL: the record field whose highest value is kept, and the variable it is passed back in. */
  readonly cursor?: { readonly field: string; readonly variable: string };
  readonly paging: SyncPaging;
  /** Values added to every record after mapping. */
  readonly constants: Readonly<Record<string, unknown>>;
  readonly writes: SyncWrites;
  /** Cron expression and its time zone; absent: on demand (and by webhook) only. */
  readonly schedule?: { readonly cron: string; readonly timeZone: string };
  /** Real-time: a source system posts changes to /sync/<name>/webhook, signed with the secret this environment variable holds. */
  readonly webhook?: { readonly secretEnv: string };
  /** Event-driven: a message on this subject of an event source starts a run. */
  readonly event?: { readonly source: string; readonly subject: string; readonly at?: SchemaLocation };
  /** Attempts per record for retryable failures (5xx, timeouts), with exponential backoff. */
  readonly retries: number;
  /** Consecutive records failing with a retryable error before the run pauses (the target is down). */
  readonly pauseAfter: number;
}

const RULES: readonly SyncRule[] = ['FULL', 'INCREMENTAL', 'DIFF'];
const STYLES: readonly PagingStyle[] = ['NONE', 'OFFSET', 'PAGE', 'CURSOR'];

/** The `sync/<name>.graphql` path a job's messages name. */
export const syncPath = (name: string) => `registry/sync/${name}.graphql`;

/**
 * Reads a sync job document: one named query or composite call, with `@sync(…)` on the
 * operation. Everything wrong is reported together, each with file, line and column;
 * nothing here touches the store, so a bad document leaves nothing behind.
 *
 *     query crmContacts($since: String, $page: Int) @sync(
 *       key: "id", rule: INCREMENTAL, cursor: { field: "updatedAt", variable: "since" },
 *       schedule: { cron: "* * * * *", timeZone: "Europe/Berlin" },
 *       paging: { style: PAGE, variable: "page", size: 100 },
 *       constants: [{ name: "origin", value: "skein" }],
 *       upsert: "upsertContact(id: $key, input: $record) { id }"
 *     ) { usersChangedSince(since: $since, page: $page) { id fullName: name email updatedAt } }
 */
export function readSyncDefinition(text: string, file = '<sync job>'): SyncDefinition {
  let document: DocumentNode;
  try {
    document = parse(new Source(text, file));
  } catch (error) {
    throw SchemaError.fromGraphQLError(error as GraphQLError, file);
  }
  const errors: SchemaError[] = [];
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || !operations[0].name || operations[0].operation !== 'query') {
    throw new SchemaError(`a sync job is one named query with @sync(…) on it; ${file} has ${operations.length} operation(s)`, operations[0] ?? { file, line: 1, column: 1 });
  }
  const operation = operations[0];
  const name = operation.name!.value;
  const directive = operation.directives?.find((d) => d.name.value === 'sync');
  if (!directive) throw new SchemaError(`sync job ${name} needs @sync(key: …, rule: …, and create/update/upsert: …) on its query`, operation.name!);
  const args = new Map((directive.arguments ?? []).map((a) => [a.name.value, a]));
  const known = new Set(['key', 'rule', 'cursor', 'paging', 'constants', 'create', 'update', 'delete', 'upsert', 'verify', 'schedule', 'webhook', 'event', 'retries', 'pauseAfter']);
  for (const arg of directive.arguments ?? []) {
    if (!known.has(arg.name.value)) errors.push(new SchemaError(`@sync has no argument "${arg.name.value}"; it takes ${[...known].join(', ')}`, arg));
  }
  const read = {
    string: (argName: string, node: ValueNode | undefined = args.get(argName)?.value): string | undefined => {
      if (!node) return undefined;
      if (node.kind !== Kind.STRING) {
        errors.push(new SchemaError(`${argName} must be a string, not ${print(node)}`, node));
        return undefined;
      }
      return node.value;
    },
    int: (argName: string, node: ValueNode | undefined, min: number): number | undefined => {
      if (!node) return undefined;
      const value = node.kind === Kind.INT ? Number(node.value) : NaN;
      if (!(value >= min)) {
        errors.push(new SchemaError(`${argName} must be an integer of at least ${min}, not ${print(node)}`, node));
        return undefined;
      }
      return value;
    },
    object: (argName: string, node: ValueNode | undefined, fields: readonly string[]): Map<string, ValueNode> | undefined => {
      if (!node) return undefined;
      if (node.kind !== Kind.OBJECT) {
        errors.push(new SchemaError(`${argName} must be an object { ${fields.join(', ')} }, not ${print(node)}`, node));
        return undefined;
      }
      for (const field of (node as ObjectValueNode).fields) {
        if (!fields.includes(field.name.value)) errors.push(new SchemaError(`${argName} has no field "${field.name.value}"; it takes ${fields.join(', ')}`, field));
      }
      return new Map((node as ObjectValueNode).fields.map((f) => [f.name.value, f.value]));
    },
  };

  const key = read.string('key');
  if (!args.has('key')) errors.push(new SchemaError(`@sync of ${name} needs key: "<field of the mapped record that identifies it in the target>"`, directive));
  const ruleNode = args.get('rule')?.value;
  let rule: SyncRule = 'FULL';
  if (ruleNode) {
    if (ruleNode.kind === Kind.ENUM && (RULES as string[]).includes(ruleNode.value)) rule = ruleNode.value as SyncRule;
    else errors.push(new SchemaError(`rule must be one of ${RULES.join(', ')}, not ${print(ruleNode)}`, ruleNode));
  }

  const cursorArg = read.object('cursor', args.get('cursor')?.value, ['field', 'variable']);
  const cursorField = cursorArg && read.string('cursor.field', cursorArg.get('field'));
  const cursorVariable = cursorArg && read.string('cursor.variable', cursorArg.get('variable'));
  let cursor: SyncDefinition['cursor'];
  if (rule === 'INCREMENTAL') {
    if (!cursorField || !cursorVariable) {
      errors.push(new SchemaError(`rule INCREMENTAL needs cursor: { field: "updatedAt", variable: "since" }: the record field kept as the checkpoint, and the variable it is read back with`, ruleNode ?? directive));
    } else cursor = { field: cursorField, variable: cursorVariable };
  }

  const pagingArg = read.object('paging', args.get('paging')?.value, ['style', 'variable', 'size', 'sizeVariable', 'first', 'items', 'next']);
  let paging: SyncPaging = { style: 'NONE' };
  let items = '';
  if (pagingArg) {
    const styleNode = pagingArg.get('style');
    const style = styleNode?.kind === Kind.ENUM && (STYLES as string[]).includes(styleNode.value) ? (styleNode.value as PagingStyle) : undefined;
    if (!style) errors.push(new SchemaError(`paging.style must be one of ${STYLES.join(', ')}${styleNode ? `, not ${print(styleNode)}` : ''}`, styleNode ?? args.get('paging')!));
    items = read.string('paging.items', pagingArg.get('items')) ?? '';
    paging = {
      style: style ?? 'NONE',
      variable: read.string('paging.variable', pagingArg.get('variable')),
      size: read.int('paging.size', pagingArg.get('size'), 1),
      sizeVariable: read.string('paging.sizeVariable', pagingArg.get('sizeVariable')),
      first: read.int('paging.first', pagingArg.get('first'), 0),
      next: read.string('paging.next', pagingArg.get('next')),
    };
    const at = args.get('paging')!;
    if (paging.style !== 'NONE' && !paging.variable) errors.push(new SchemaError(`paging ${paging.style} needs variable: the operation variable that carries the position`, at));
    if ((paging.style === 'OFFSET' || paging.style === 'PAGE') && !paging.size) errors.push(new SchemaError(`paging ${paging.style} needs size: the records of a full page`, at));
    if (paging.style === 'CURSOR' && !paging.next) errors.push(new SchemaError(`paging CURSOR needs next: the path of the next cursor in the field's value, e.g. "pageInfo.endCursor"`, at));
  }

  const constants: Record<string, unknown> = {};
  const constantsNode = args.get('constants')?.value;
  if (constantsNode) {
    const list = constantsNode.kind === Kind.LIST ? constantsNode.values : [constantsNode];
    for (const item of list) {
      const fields = read.object('constants[]', item, ['name', 'value']);
      const constantName = fields && read.string('constants[].name', fields.get('name'));
      const value = fields?.get('value');
      if (fields && (!constantName || !value)) errors.push(new SchemaError('each constant is { name: "field", value: <any constant> }', item));
      else if (constantName && value) constants[constantName] = constantValue(value as ConstValueNode);
    }
  }

  const writes: SyncWrites = {
    create: read.string('create'),
    update: read.string('update'),
    delete: read.string('delete'),
    upsert: read.string('upsert'),
    verify: read.string('verify'),
  };
  for (const kind of ['create', 'update', 'delete', 'upsert', 'verify'] as const) {
    const call = writes[kind];
    if (call !== undefined) checkWriteCall(call, kind, args.get(kind)!, errors, kind === 'verify' ? 'query' : 'mutation');
  }
  if (!writes.upsert && !(writes.create && writes.update)) {
    errors.push(new SchemaError(`@sync of ${name} needs upsert: "…", or both create: "…" and update: "…" (Mutation field calls, with $record, $key, $idempotencyKey)`, directive));
  }
  if (rule === 'DIFF' && !writes.delete) errors.push(new SchemaError(`rule DIFF deletes the keys that vanished from the source: add delete: "deleteX(id: $key) { id }"`, ruleNode ?? directive));

  const scheduleArg = read.object('schedule', args.get('schedule')?.value, ['cron', 'timeZone']);
  let schedule: SyncDefinition['schedule'];
  if (scheduleArg) {
    const cronNode = scheduleArg.get('cron');
    const cron = read.string('schedule.cron', cronNode);
    const timeZone = read.string('schedule.timeZone', scheduleArg.get('timeZone')) ?? 'UTC';
    if (!cron) errors.push(new SchemaError('schedule needs cron: "*/5 * * * *" (minute hour day month weekday)', args.get('schedule')!));
    else {
      const problem = cronProblem(cron, timeZone);
      if (problem) errors.push(new SchemaError(problem, problem.startsWith('time zone') ? scheduleArg.get('timeZone')! : cronNode!));
      else schedule = { cron, timeZone };
    }
  }
  const webhookArg = read.object('webhook', args.get('webhook')?.value, ['secretEnv']);
  const secretEnv = webhookArg && read.string('webhook.secretEnv', webhookArg.get('secretEnv'));
  if (webhookArg && !secretEnv) errors.push(new SchemaError('webhook needs secretEnv: the environment variable holding the signing secret', args.get('webhook')!));
  if (secretEnv && isGatewaySecret(secretEnv)) {
    errors.push(new SchemaError(`webhook.secretEnv "${secretEnv}" is one of the gateway's own secrets; name a variable of its own, such as SKEIN_SYNC_${name.toUpperCase()}_SECRET`, webhookArg!.get('secretEnv')!));
  }
  const eventArg = read.object('event', args.get('event')?.value, ['source', 'subject']);
  const eventSource = eventArg && read.string('event.source', eventArg.get('source'));
  const eventSubject = eventArg && read.string('event.subject', eventArg.get('subject'));
  if (eventArg && (!eventSource || !eventSubject)) errors.push(new SchemaError('event needs source: "<event source>" and subject: "<subject>"', args.get('event')!));

  const selections = operation.selectionSet.selections;
  const root = selections[0];
  if (selections.length !== 1 || root.kind !== Kind.FIELD) {
    errors.push(new SchemaError(`sync job ${name} reads one root field (an operation or a composite); it selects ${selections.length}`, operation.selectionSet));
  }
  const retries = read.int('retries', args.get('retries')?.value, 0) ?? 3;
  const pauseAfter = read.int('pauseAfter', args.get('pauseAfter')?.value, 1) ?? 5;
  throwIfAny(errors);

  const withoutSync = visit(document, {
    OperationDefinition: (node) => ({ ...node, directives: node.directives?.filter((d) => d.name.value !== 'sync') }),
  });
  const field = root.kind === Kind.FIELD ? (root.alias ?? root.name).value : '';
  return {
    name,
    file,
    read: print(withoutSync),
    readDocument: withoutSync,
    field,
    items,
    key: key!,
    rule,
    cursor,
    paging,
    constants,
    writes,
    schedule,
    webhook: secretEnv ? { secretEnv } : undefined,
    event: eventSource && eventSubject ? { source: eventSource, subject: eventSubject, at: new SchemaError('', eventArg!.get('source')!).location } : undefined,
    retries,
    pauseAfter,
  };
}

/** Why a cron expression or time zone cannot be used, or undefined. */
export function cronProblem(cron: string, timeZone: string): string | undefined {
  if (!isTimeZone(timeZone)) return `time zone "${timeZone}" is not an IANA time zone (e.g. "Europe/Berlin", "UTC")`;
  if (cron.trim().split(/\s+/).length !== 5) return `cron "${cron}" needs five fields: minute hour day-of-month month day-of-week`;
  try {
    cronParser.parseExpression(cron, { tz: timeZone });
    return undefined;
  } catch (error) {
    return `cron "${cron}" does not parse: ${(error as Error).message}`;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkWriteCall(call: string, kind: string, at: ArgumentNode, errors: SchemaError[], operation: 'mutation' | 'query'): void {
  const root = operation === 'query' ? 'Query' : 'Mutation';
  try {
    const parsed = parse(`${operation} { ${call} }`);
    const op = parsed.definitions[0] as OperationDefinitionNode;
    if (op.selectionSet.selections.length !== 1) errors.push(new SchemaError(`${kind} calls one ${root} field, e.g. "${operation === 'query' ? 'contact(id: $key) { fullName }' : 'createContact(input: $record) { id }'}"`, at.value));
  } catch (error) {
    errors.push(new SchemaError(`${kind}: "${call}" is not a ${root} field call: ${(error as GraphQLError).message}`, at.value));
  }
}

function constantValue(node: ConstValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(constantValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, constantValue(f.value)]));
  }
}
