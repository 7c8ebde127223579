import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getNamedType, parse, Source, validate, type GraphQLField, type GraphQLSchema } from 'graphql';
import { planToText, type CompositePlan } from '../composite/index.js';
import { compileComposite } from '../composite/compile/compile-composite.js';
import { SchemaError, SchemaErrors } from '../errors/schema-error.js';
import type { Graph } from '../graph/index.js';
import { NameRegistry } from '../sources/index.js';
import { ComposeError } from './compose-error.js';
import { compileCondition } from './conditions.js';
import { readDependencyTable } from './dependency-table.js';
import { printDraft, type DraftExport, type DraftStep, type DraftVariable } from './draft.js';
import { describe, matchNeed, type StepMatch } from './match.js';
import { operationIndexOf } from './operation-index.js';
import { majorityOf, protocolCounts, type CompositeProtocol } from './protocol.js';
import { readRequestDocument, type ComposeRequest, type RequestStep } from './request-document.js';
import { unknownInputTypes, wireStep, type ProvidingStep, type WiredArgument, type Wiring } from './wire.js';

export interface ComposeOptions {
  /** The request's file name, for messages (`hotel.yaml:4:12: …`). */
  readonly file?: string;
  /** Operations chosen for steps whose need is ambiguous: step → `Query.x` (`--pick`). */
  readonly picks?: ReadonlyMap<string, string>;
}

/** A composite drafted from a business request: its document, its plan and how each step was matched. */
export interface DraftedComposite {
  readonly name: string;
  /** The composite document, as an author would write it. */
  readonly document: string;
  readonly plan: CompositePlan;
  /** `skein plan`'s text. */
  readonly planText: string;
  readonly matches: readonly StepMatch[];
  readonly protocol: CompositeProtocol;
  /** `request`: the request's `protocol:`; `majority`: most of its steps' sources speak it. */
  readonly protocolFrom: 'request' | 'majority';
  /** How many steps speak each protocol. */
  readonly protocolCounts: Readonly<Record<CompositeProtocol, number>>;
}

/**
 * Drafts a composite from a business request (YAML or JSON text) over a served graph:
 * reads the request and its dependency table, matches each step to an operation (in
 * dependency order, so a tie can be broken by which candidate's arguments fill), wires
 * arguments, compiles conditions, prints the document, checks it with stock graphql-js
 * against the served schema, compiles it with Skein's composite compiler and chooses its
 * protocol. Every problem in the request is a SchemaError at the request's line and
 * column; several are thrown together.
 */
export function composeRequest(graph: Graph, text: string, options: ComposeOptions = {}): DraftedComposite {
  const file = options.file ?? 'request.yaml';
  const request = readRequestDocument(text, file);
  const table = readDependencyTable(request);
  const schema = graph.schema;
  const index = operationIndexOf(graph);
  const exclude = new Set([`Query.${request.composite}`, `Mutation.${request.composite}`]);
  const errors: SchemaError[] = [...unknownInputTypes(schema, request.inputs)];

  const steps = new Map(request.steps.map((s) => [s.key, s]));
  const matched = new Map<string, { match: StepMatch; field: GraphQLField<unknown, unknown>; wiring: Wiring }>();
  const provided = new Map<string, ProvidingStep>();
  const failed = new Set<string>();
  for (const key of table.order) {
    const step = steps.get(key)!;
    const dependsOn = table.dependsOn.get(key)!;
    if (dependsOn.some((d) => failed.has(d))) {
      failed.add(key); // its arguments cannot be wired before what it depends on is known; that is reported already
      continue;
    }
    const context = { schema, inputs: request.inputs, providers: dependsOn.map((d) => provided.get(d)!), steps: provided };
    const wire = (fieldName: string) => wireStep(step, rootField(schema, fieldName)!, context);
    try {
      const match = matchStep(index, step, options.picks?.get(key), exclude, (field) => {
        const wiring = wire(field);
        return wiring.problems.length * 10 + wiring.coerced;
      });
      const field = rootField(schema, match.field)!;
      const wiring = wire(match.field);
      matched.set(key, { match, field, wiring });
      provided.set(key, { key, fieldName: field.name, type: field.type });
      errors.push(...wiring.problems);
      if (wiring.problems.length) failed.add(key);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      errors.push(error);
      failed.add(key);
    }
  }

  // Conditions: each becomes an @export with a test on the tested step, and @include/@skip on the step.
  const exports: DraftExport[] = [];
  const conditionsOf = new Map<string, { kind: 'include' | 'skip'; variable: string }[]>();
  const taken = new Set(request.inputs.map((i) => i.name));
  const variables: DraftVariable[] = request.inputs.map((i) => ({ name: i.name, type: i.type, internal: false }));
  const fresh = (wanted: string) => {
    let name = wanted;
    for (let i = 2; taken.has(name); i++) name = `${wanted}${i}`;
    taken.add(name);
    return name;
  };
  for (const [key, rows] of table.conditions) {
    for (const row of rows) {
      const on = matched.get(row.on);
      if (!on || !row.condition) continue;
      try {
        const condition = compileCondition(row.condition.text, { key: row.on, type: on.field.type }, row.condition.at);
        const same = exports.find((e) => e.step === row.on && e.test && JSON.stringify(e.test) === JSON.stringify(condition.test) && e.path.join('.') === condition.path.join('.'));
        const variable = same?.variable ?? fresh(camel([row.on, ...condition.words]));
        if (!same) {
          exports.push({ step: row.on, path: condition.path, variable, test: condition.test });
          variables.push({ name: variable, type: 'Boolean!', internal: true });
        }
        const list = conditionsOf.get(key) ?? [];
        list.push({ kind: row.condition.kind === 'when' ? 'include' : 'skip', variable });
        conditionsOf.set(key, list);
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        errors.push(error);
      }
    }
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new SchemaErrors(errors);

  // Data: each field another step uses is exported once, as a variable of the argument's type.
  const draftSteps: DraftStep[] = [];
  for (const step of request.steps) {
    const { match, field, wiring } = matched.get(step.key)!;
    for (const arg of wiring.args) {
      if (arg.source.kind !== 'field') continue;
      const source = arg.source;
      const path = source.path;
      const existing = exports.find((e) => !e.test && e.step === source.step && e.path.join('.') === path.join('.'));
      if (existing) continue;
      const variable = fresh(path.length ? path[path.length - 1] : source.step);
      exports.push({ step: source.step, path, variable, test: undefined });
      variables.push({ name: variable, type: internalType(arg, source.list), internal: true });
    }
    draftSteps.push({ request: step, match, field, args: wiring.args, conditions: conditionsOf.get(step.key) ?? [] });
  }

  const operation = operationOf(request, draftSteps);
  const document = printDraft(request, operation, variables, draftSteps, exports);
  const plan = checkDraft(graph, request, document);
  const matches = draftSteps.map((s) => s.match);
  const counts = protocolCounts(matches, graph.operations, (name) => graph.protocols.get(name));
  if (request.protocol && counts[request.protocol.value] === 0) {
    const speak = matches.map((m) => `${m.step} (${m.kind})`).join(', ');
    throw new ComposeError('PROTOCOL', `protocol: ${request.protocol.value} is spoken by none of the steps: ${speak}; give REST or SOAP as one of them speaks, or leave protocol out`, request.protocol.at);
  }
  return {
    name: request.composite,
    document,
    plan,
    planText: planToText(plan),
    matches,
    protocol: request.protocol?.value ?? majorityOf(counts),
    protocolFrom: request.protocol ? 'request' : 'majority',
    protocolCounts: counts,
  };
}

function matchStep(
  index: ReturnType<typeof operationIndexOf>,
  step: RequestStep,
  pick: string | undefined,
  exclude: ReadonlySet<string>,
  fitOf: (field: string) => number,
): StepMatch {
  const named = pick ?? step.api?.field;
  if (named) {
    const field = named.includes('.') ? named : `Query.${named}`;
    const operation = index.get(field);
    if (!operation || exclude.has(field)) {
      const nearest = index.nearest(field.slice(field.indexOf('.') + 1), { exclude }).map(describe);
      throw new ComposeError(
        'UNKNOWN_OPERATION',
        `step ${step.key}: the served graph has no operation ${field}${pick ? ' (from --pick)' : ''}; the nearest: ${nearest.join(', ') || 'none'}`,
        step.api?.at ?? step.at,
      );
    }
    return { step: step.key, field, source: operation.source, kind: operation.kind, how: pick ? 'pick' : 'api', need: step.need?.text, candidates: [], decidedBy: undefined };
  }
  return matchNeed(index, { key: step.key, need: step.need!.text, at: step.need!.at }, { exclude, fitOf });
}

function rootField(schema: GraphQLSchema, coordinate: string): GraphQLField<unknown, unknown> | undefined {
  const [type, name] = coordinate.split('.');
  const root = type === 'Mutation' ? schema.getMutationType() : schema.getQueryType();
  return root?.getFields()[name];
}

/** An exported field's variable: the argument's named type, a list when the field lies in a list, non-null. */
function internalType(arg: WiredArgument, list: boolean): string {
  const named = getNamedType(arg.type).name;
  return list ? `[${named}!]!` : `${named}!`;
}

function operationOf(request: ComposeRequest, steps: readonly DraftStep[]): 'query' | 'mutation' {
  const mutations = steps.filter((s) => s.match.field.startsWith('Mutation.'));
  if (mutations.length === 0) return 'query';
  const queries = steps.filter((s) => s.match.field.startsWith('Query.'));
  if (queries.length > 0) {
    throw new ComposeError(
      'BAD_REQUEST',
      `a composite is a query or a mutation: ${mutations.map((s) => `${s.request.key} (${s.match.field})`).join(', ')} change data, ` +
        `${queries.map((s) => `${s.request.key} (${s.match.field})`).join(', ')} read it; split the request in two`,
      request.compositeAt,
    );
  }
  return 'mutation';
}

/**
 * The drafted document must be what an author could have written: valid under stock
 * graphql-js against the served schema, and compiled by Skein's composite compiler. A
 * failure here is a bug in the drafter, reported with the document.
 */
function checkDraft(graph: Graph, request: ComposeRequest, document: string): CompositePlan {
  const file = `${request.composite}.graphql`;
  const parsed = parse(new Source(document, file));
  const invalid = validate(graph.schema, parsed);
  const fail = (problems: string) => new Error(`internal: the drafted composite does not check (${problems}):\n${document}`);
  if (invalid.length > 0) throw fail(invalid.map((e) => e.message).join('; '));
  // Redrafting a composite the graph serves: compile it against the graph without that one.
  const existing = graph.fullSchema.getQueryType()?.getFields()[request.composite] ?? graph.fullSchema.getMutationType()?.getFields()[request.composite];
  const schema = existing ? withoutRootField(graph.fullSchema, request.composite) : graph.fullSchema;
  try {
    return compileComposite(file, document, parsed, schema, new NameRegistry(Object.keys(schema.getTypeMap()))).plan;
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
}

function withoutRootField(schema: GraphQLSchema, name: string): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.ROOT_FIELD]: (field, fieldName) => (fieldName === name ? null : field) });
}

function camel(words: readonly string[]): string {
  const parts = words.flatMap((w) => w.split(/[^A-Za-z0-9]+/)).filter(Boolean);
  const name = parts.map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1).toLowerCase())).join('');
  return /^[_A-Za-z]/.test(name) ? name : `v${name}`;
}

