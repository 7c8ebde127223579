import { GraphQLError, parseType } from 'graphql';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { SchemaLocation } from '../errors/schema-error.js';
import { SchemaErrors } from '../errors/schema-error.js';
import { ComposeError } from './compose-error.js';

/**
 * A business request: sub-requests (steps) described in words, and a table of how they
 * depend on each other. Read from YAML or JSON (JSON is YAML), every part keeping where
 * it was written so that each error names the request file's line and column.
 */
export interface ComposeRequest {
  readonly file: string;
  readonly composite: string;
  readonly compositeAt: SchemaLocation;
  readonly description: string | undefined;
  readonly inputs: readonly RequestInput[];
  readonly steps: readonly RequestStep[];
  readonly dependencies: readonly RequestDependency[];
  readonly protocol: { readonly value: 'REST' | 'SOAP'; readonly at: SchemaLocation } | undefined;
}

export interface RequestInput {
  readonly name: string;
  /** As written: `ID!`. */
  readonly type: string;
  readonly at: SchemaLocation;
}

export interface RequestStep {
  /** The step's name: the response key of its root field. */
  readonly key: string;
  readonly at: SchemaLocation;
  /** What it should do, in words; absent when `api` names the operation. */
  readonly need: { readonly text: string; readonly at: SchemaLocation } | undefined;
  /** `Query.user` (or `user`): the operation, named instead of described. */
  readonly api: { readonly field: string; readonly at: SchemaLocation } | undefined;
  readonly args: readonly RequestArgument[];
  /** Narrows the selection to these result fields. */
  readonly select: readonly { readonly field: string; readonly at: SchemaLocation }[] | undefined;
}

export interface RequestArgument {
  readonly name: string;
  /** As written: `$orderId`, `order.userId`, `gross`, or a literal. */
  readonly value: unknown;
  readonly at: SchemaLocation;
}

export interface RequestDependency {
  readonly step: string;
  readonly stepAt: SchemaLocation;
  readonly on: string;
  readonly onAt: SchemaLocation;
  /** `status == PASSED`: the step runs only if it holds (`when`) or only if it does not (`unless`). */
  readonly condition: { readonly kind: 'when' | 'unless'; readonly text: string; readonly at: SchemaLocation } | undefined;
  readonly at: SchemaLocation;
}

const TOP_KEYS = ['composite', 'description', 'inputs', 'steps', 'dependencies', 'protocol'];
const STEP_KEYS = ['need', 'api', 'args', 'select'];
const DEPENDENCY_KEYS = ['step', 'on', 'when', 'unless'];
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Reads a request document (YAML or JSON text) and checks its shape: names, types, keys.
 * Every problem found is reported at once (SchemaErrors), each at its line and column.
 * What refers to what (unknown steps, cycles) is checked by the dependency table.
 */
export function readRequestDocument(text: string, file: string): ComposeRequest {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: { range?: [number, number, number] | null } | null | undefined): SchemaLocation => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { file, line, column: col };
  };
  const errors: ComposeError[] = [];
  const fail = (message: string, where: SchemaLocation) => errors.push(new ComposeError('BAD_REQUEST', message, where));
  for (const error of document.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    fail(error.message.split('\n')[0], { file, line, column: col });
  }
  if (errors.length > 0) throw new SchemaErrors(errors);

  const root = document.contents;
  if (!isMap(root)) {
    throw new ComposeError('BAD_REQUEST', 'a request is a map with composite, inputs, steps and dependencies', at(root));
  }
  const top = entries(root, TOP_KEYS, 'a request', fail, at);

  const compositeNode = top.get('composite');
  const composite = scalarString(compositeNode?.value);
  if (!compositeNode) fail('the request needs `composite: <name>`: the name of the composite to draft', at(root));
  else if (!composite || !NAME.test(composite)) fail(`composite must be a GraphQL name such as hotelOrder, not ${JSON.stringify(plain(compositeNode.value))}`, at(compositeNode.value as Node));

  const descriptionNode = top.get('description');
  const description = scalarString(descriptionNode?.value);
  if (descriptionNode && description === undefined) fail('description is text', at(descriptionNode.value as Node));

  const inputs: RequestInput[] = [];
  const inputsNode = top.get('inputs');
  if (inputsNode) {
    if (!isMap(inputsNode.value)) fail('inputs is a map of name to GraphQL type: `inputs: { orderId: ID! }`', at(inputsNode.value as Node));
    else {
      for (const pair of inputsNode.value.items) {
        const name = scalarString(pair.key);
        const type = scalarString(pair.value);
        if (!name || !NAME.test(name)) fail(`an input's name must be a GraphQL name, not ${JSON.stringify(plain(pair.key))}`, at(pair.key as Node));
        else if (!type || !isTypeText(type)) fail(`input ${name}: its type must be a GraphQL input type such as ID! or [String!], not ${JSON.stringify(plain(pair.value))}`, at(pair.value as Node));
        else inputs.push({ name, type, at: at(pair.key as Node) });
      }
    }
  }

  const steps: RequestStep[] = [];
  const stepsNode = top.get('steps');
  if (!stepsNode) fail('the request needs `steps:`, a map of step name to `{ need: "…" }` or `{ api: Query.x }`', at(root));
  else if (!isMap(stepsNode.value) || stepsNode.value.items.length === 0) {
    fail('steps is a map of step name to `{ need: "…" }` or `{ api: Query.x }`, with at least one step', at(stepsNode.value as Node));
  } else {
    for (const pair of stepsNode.value.items) {
      const step = readStep(pair, fail, at);
      if (step) steps.push(step);
    }
  }

  const dependencies: RequestDependency[] = [];
  const dependenciesNode = top.get('dependencies');
  if (dependenciesNode && dependenciesNode.value !== null && !isScalarNull(dependenciesNode.value)) {
    if (!isSeq(dependenciesNode.value)) fail('dependencies is a list of `{ step: user, on: order }`', at(dependenciesNode.value as Node));
    else for (const item of dependenciesNode.value.items) dependencies.push(...readDependency(item as Node, fail, at));
  }

  let protocol: ComposeRequest['protocol'];
  const protocolNode = top.get('protocol');
  if (protocolNode) {
    const value = scalarString(protocolNode.value)?.toUpperCase();
    if (value !== 'REST' && value !== 'SOAP') fail(`protocol is REST or SOAP, not ${JSON.stringify(plain(protocolNode.value))}`, at(protocolNode.value as Node));
    else protocol = { value, at: at(protocolNode.value as Node) };
  }

  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new SchemaErrors(errors);
  return { file, composite: composite!, compositeAt: at(compositeNode!.value as Node), description, inputs, steps, dependencies, protocol };
}

type Fail = (message: string, where: SchemaLocation) => void;
type At = (node: { range?: [number, number, number] | null } | null | undefined) => SchemaLocation;

function readStep(pair: Pair, fail: Fail, at: At): RequestStep | undefined {
  const key = scalarString(pair.key);
  const where = at(pair.key as Node);
  if (!key || !NAME.test(key)) {
    fail(`a step's name must be a GraphQL name (it becomes the step's response key), not ${JSON.stringify(plain(pair.key))}`, where);
    return undefined;
  }
  // `order: "order details by order id"` is short for `order: { need: "…" }`.
  const shorthand = scalarString(pair.value);
  if (shorthand !== undefined) return { key, at: where, need: { text: shorthand, at: at(pair.value as Node) }, api: undefined, args: [], select: undefined };
  if (!isMap(pair.value)) {
    fail(`step ${key}: give { need: "what it does, in words" } or { api: Query.field }`, where);
    return undefined;
  }
  const fields = entries(pair.value, STEP_KEYS, `step ${key}`, fail, at);
  const needNode = fields.get('need');
  const apiNode = fields.get('api');
  const needText = scalarString(needNode?.value);
  const apiText = scalarString(apiNode?.value);
  if (needNode && !needText?.trim()) fail(`step ${key}: need is the sub-request in words`, at(needNode.value as Node));
  if (apiNode && (!apiText || !/^((Query|Mutation)\.)?[_A-Za-z][_0-9A-Za-z]*$/.test(apiText))) {
    fail(`step ${key}: api names a root field, such as Query.user, not ${JSON.stringify(plain(apiNode.value))}`, at(apiNode.value as Node));
  }
  if (!needNode && !apiNode) fail(`step ${key}: give need (what it does, in words) or api (the operation, such as Query.user)`, where);

  const args: RequestArgument[] = [];
  const argsNode = fields.get('args');
  if (argsNode) {
    if (!isMap(argsNode.value)) fail(`step ${key}: args is a map of argument name to value: { id: $orderId }`, at(argsNode.value as Node));
    else {
      for (const arg of argsNode.value.items) {
        const name = scalarString(arg.key);
        if (!name || !NAME.test(name)) fail(`step ${key}: an argument's name must be a GraphQL name, not ${JSON.stringify(plain(arg.key))}`, at(arg.key as Node));
        else args.push({ name, value: plain(arg.value), at: at(arg.value as Node) });
      }
    }
  }

  let select: RequestStep['select'];
  const selectNode = fields.get('select');
  if (selectNode) {
    const items = isSeq(selectNode.value) ? selectNode.value.items : undefined;
    const names = items?.map((item) => ({ field: scalarString(item), at: at(item as Node) }));
    if (!names || names.some((n) => !n.field || !/^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)*$/.test(n.field))) {
      fail(`step ${key}: select is a list of result fields: [name, age] (a nested one as address.city)`, at(selectNode.value as Node));
    } else select = names as { field: string; at: SchemaLocation }[];
  }
  return {
    key,
    at: where,
    need: needText?.trim() ? { text: needText, at: at(needNode!.value as Node) } : undefined,
    api: apiText ? { field: apiText.includes('.') ? apiText : `Query.${apiText}`, at: at(apiNode!.value as Node) } : undefined,
    args,
    select,
  };
}

/** One row of the table; `on: [a, b]` is one row per step it depends on. */
function readDependency(node: Node, fail: Fail, at: At): RequestDependency[] {
  if (!isMap(node)) {
    fail('a dependency is `{ step: user, on: order }`, optionally with `when: "status == PASSED"` or `unless: "…"`', at(node));
    return [];
  }
  const fields = entries(node, DEPENDENCY_KEYS, 'a dependency', fail, at);
  const stepNode = fields.get('step');
  const onNode = fields.get('on');
  const step = scalarString(stepNode?.value);
  if (!step) {
    fail('a dependency names its step: `{ step: user, on: order }`', at(stepNode?.value as Node ?? node));
    return [];
  }
  const ons = isSeq(onNode?.value) ? onNode.value.items : onNode ? [onNode.value] : [];
  if (ons.length === 0 || ons.some((item) => !scalarString(item))) {
    fail(`the dependency of ${step} names the step(s) it depends on: \`on: order\` or \`on: [gross, insurance]\``, at(onNode?.value as Node ?? node));
    return [];
  }
  const when = fields.get('when');
  const unless = fields.get('unless');
  if (when && unless) fail(`the dependency of ${step}: give when or unless, not both`, at(unless.key as Node));
  const conditionNode = when ?? unless;
  let condition: RequestDependency['condition'];
  if (conditionNode) {
    const text = scalarString(conditionNode.value);
    if (!text) fail(`the dependency of ${step}: ${when ? 'when' : 'unless'} is a test on a result field, such as "status == PASSED"`, at(conditionNode.value as Node));
    else if (ons.length > 1) fail(`the dependency of ${step}: a condition tests one step's result; give one step in on`, at(onNode!.value as Node));
    else condition = { kind: when ? 'when' : 'unless', text, at: at(conditionNode.value as Node) };
  }
  return ons.map((item) => ({
    step,
    stepAt: at(stepNode!.value as Node),
    on: scalarString(item)!,
    onAt: at(item as Node),
    condition,
    at: at(node),
  }));
}

/** The entries of a map by key, reporting keys that are not known (a typo would be silently ignored otherwise). */
function entries(map: { items: Pair[] }, known: readonly string[], what: string, fail: Fail, at: At): Map<string, Pair> {
  const found = new Map<string, Pair>();
  for (const pair of map.items) {
    const key = scalarString(pair.key);
    if (key && known.includes(key)) found.set(key, pair);
    else fail(`${what} has no key ${JSON.stringify(plain(pair.key))}; known keys: ${known.join(', ')}`, at(pair.key as Node));
  }
  return found;
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function isScalarNull(node: unknown): boolean {
  return isScalar(node) && node.value === null;
}

function plain(node: unknown): unknown {
  return node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
}

function isTypeText(text: string): boolean {
  try {
    parseType(text);
    return true;
  } catch (error) {
    if (error instanceof GraphQLError) return false;
    throw error;
  }
}
