import {
  astFromValue,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  print,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import type { ExportTest } from '../composite/index.js';
import { ComposeError } from './compose-error.js';
import type { StepMatch } from './match.js';
import type { ComposeRequest, RequestStep } from './request-document.js';
import { fieldAt, selectable } from './result-fields.js';
import type { WiredArgument } from './wire.js';

/** One step as the drafted document writes it. */
export interface DraftStep {
  readonly request: RequestStep;
  readonly match: StepMatch;
  readonly field: GraphQLField<unknown, unknown>;
  readonly args: readonly WiredArgument[];
  /** `@include(if: $var)` / `@skip(if: $var)` on the step, from the table's when/unless. */
  readonly conditions: readonly { readonly kind: 'include' | 'skip'; readonly variable: string }[];
}

/** An `@export` to place in a step's selection. */
export interface DraftExport {
  readonly step: string;
  /** Field names from the step's value down; empty for the step's whole result. */
  readonly path: readonly string[];
  readonly variable: string;
  readonly test: ExportTest | undefined;
}

export interface DraftVariable {
  readonly name: string;
  /** As written: `ID!`. */
  readonly type: string;
  readonly internal: boolean;
}

interface SelectionNode {
  /** Set when the field is selected twice (a second @export on it). */
  readonly alias: string | undefined;
  readonly name: string;
  readonly directives: string[];
  readonly children: Map<string, SelectionNode>;
}

/**
 * Prints the composite an author would write: the request's description as the comment
 * above it, the inputs and the internal variables, and per step a comment saying what it
 * was matched from, its arguments, its `@include`/`@skip`, and a selection of every
 * scalar field of its result type and of the objects directly inside it (`select:`
 * narrows it), with an `@export` on each field another step uses.
 */
export function printDraft(
  request: ComposeRequest,
  operation: 'query' | 'mutation',
  variables: readonly DraftVariable[],
  steps: readonly DraftStep[],
  exports: readonly DraftExport[],
): string {
  const lines: string[] = [];
  if (request.description) lines.push(...request.description.trim().split('\n').map((l) => `# ${l}`.trimEnd()));
  const declared = variables.map((v) => `$${v.name}: ${v.type}${v.internal ? ' @internal' : ''}`);
  lines.push(`${operation} ${request.composite}${declared.length ? `(${declared.join(', ')})` : ''} {`);
  for (const step of steps) {
    lines.push(`  # ${matchComment(step.match)}`);
    const args = step.args.map((a) => `${a.name}: ${argumentText(a, variables, exports)}`);
    const directives = [
      ...step.conditions.map((c) => `@${c.kind}(if: $${c.variable})`),
      ...exports.filter((e) => e.step === step.request.key && e.path.length === 0).map(exportDirective),
    ];
    const head = `${step.request.key === step.field.name ? '' : `${step.request.key}: `}${step.field.name}${args.length ? `(${args.join(', ')})` : ''}${directives.map((d) => ` ${d}`).join('')}`;
    const tree = selectionOf(step, exports.filter((e) => e.step === step.request.key && e.path.length > 0));
    if (tree.size === 0) lines.push(`  ${head}`);
    else {
      lines.push(`  ${head} {`);
      printTree(tree, 2, lines);
      lines.push('  }');
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function matchComment(match: StepMatch): string {
  if (match.how === 'api') return `${match.step}: ${match.field} (${match.source}, ${match.kind}), named in the request`;
  if (match.how === 'pick') return `${match.step}: ${match.field} (${match.source}, ${match.kind}), picked on the command line for "${match.need ?? ''}"`;
  const [winner, next] = match.candidates;
  const runnerUp = next ? `; next: ${next.field} ${next.score}` : '';
  const tie = match.decidedBy === 'wiring' ? ', its arguments fill where the others do not' : '';
  return `${match.step}: "${match.need}" → ${match.field} (${match.source}, ${match.kind}), score ${winner.score} on ${winner.words.join(', ')}${tie}${runnerUp}`;
}

function argumentText(arg: WiredArgument, variables: readonly DraftVariable[], exports: readonly DraftExport[]): string {
  const source = arg.source;
  if (source.kind === 'literal') return print(astFromValue(source.value, arg.type)!);
  const variable =
    source.kind === 'input' ? source.name : exports.find((e) => e.step === source.step && e.path.join('.') === source.path.join('.') && !e.test)!.variable;
  const declared = variables.find((v) => v.name === variable)!;
  // A single value where the argument is a list: a variable cannot be coerced, a list literal can hold it.
  return wantsList(arg.type) && !declared.type.startsWith('[') ? `[$${variable}]` : `$${variable}`;
}

function wantsList(type: GraphQLInputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function exportDirective(e: DraftExport): string {
  const tests = Object.entries(e.test ?? {}).map(([name, value]) => `, ${name}: ${jsonLiteral(value)}`);
  return `@export(as: "${e.variable}"${tests.join('')})`;
}

/** A JSON value as a GraphQL literal (the test arguments are JSON or Float). */
function jsonLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(', ')}]`;
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function selectionOf(step: DraftStep, exports: readonly DraftExport[]): Map<string, SelectionNode> {
  const tree = new Map<string, SelectionNode>();
  const type = step.field.type;
  const named = getNamedType(type);
  if (isLeafType(named)) return tree;
  const add = (path: readonly string[]): SelectionNode => {
    let level = tree;
    let node: SelectionNode | undefined;
    for (const name of path) {
      node = level.get(name);
      if (!node) {
        node = { alias: undefined, name, directives: [], children: new Map() };
        level.set(name, node);
      }
      level = node.children;
    }
    return node!;
  };
  if (step.request.select) {
    for (const { field, at } of step.request.select) {
      const path = field.split('.');
      const found = fieldAt(type, path);
      if ('missing' in found) {
        throw new ComposeError('UNKNOWN_FIELD', `step ${step.request.key}: select: ${step.field.name} returns no field "${found.missing}"; it has ${found.known.join(', ')}`, at);
      }
      add(path);
      for (const leaf of defaultSelection(fieldType(type, path))) add([...path, ...leaf]);
    }
  } else {
    for (const path of defaultSelection(type)) add(path);
  }
  for (const e of exports) {
    const node = add(e.path);
    if (node.directives.length === 0) node.directives.push(exportDirective(e));
    else {
      // The field is exported twice (a value and a test): the second is selected again under an alias.
      const parent = e.path.length > 1 ? add(e.path.slice(0, -1)).children : tree;
      const alias = `${node.name}${e.variable[0].toUpperCase()}${e.variable.slice(1)}`;
      parent.set(alias, { alias, name: node.name, directives: [exportDirective(e)], children: new Map() });
    }
  }
  return tree;
}

function fieldType(type: GraphQLOutputType, path: readonly string[]): GraphQLOutputType {
  let current = type;
  for (const name of path) {
    const named = getNamedType(current);
    if (!isObjectType(named) && !isInterfaceType(named)) return current;
    current = named.getFields()[name].type;
  }
  return current;
}

/** Every scalar field of the type, and of the objects directly inside it; `__typename` for a union. */
function defaultSelection(type: GraphQLOutputType): string[][] {
  const named = getNamedType(type);
  if (isLeafType(named)) return [];
  if (isUnionType(named)) return [['__typename']];
  const paths: string[][] = [];
  for (const field of Object.values(named.getFields())) {
    if (!selectable(field)) continue;
    const inner = getNamedType(field.type);
    if (isLeafType(inner)) paths.push([field.name]);
    else if (isObjectType(inner) || isInterfaceType(inner)) {
      const leaves = Object.values(inner.getFields()).filter((f) => selectable(f) && isLeafType(getNamedType(f.type)));
      paths.push(...(leaves.length ? leaves.map((f) => [field.name, f.name]) : [[field.name, '__typename']]));
    }
  }
  return paths.length ? paths : [['__typename']];
}

function printTree(tree: Map<string, SelectionNode>, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  for (const node of tree.values()) {
    const head = `${node.alias ? `${node.alias}: ` : ''}${node.name}${node.directives.map((d) => ` ${d}`).join('')}`;
    if (node.children.size === 0) lines.push(`${indent}${head}`);
    else {
      lines.push(`${indent}${head} {`);
      printTree(node.children, depth + 1, lines);
      lines.push(`${indent}}`);
    }
  }
}
