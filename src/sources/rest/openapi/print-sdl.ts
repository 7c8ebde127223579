import { Kind, print } from 'graphql';
import type {
  ArgumentDefinition,
  FieldDefinition,
  RestCall,
  RestParamDefinition,
  RootFieldDefinition,
  SourceFileModel,
  TypeDefinition,
  UnionTypeDefinition,
} from './sdl-model.js';

/** Lines longer than this are broken up (arguments one per line, `@rest` arguments one per line). */
const WIDTH = 110;

/**
 * Prints an imported source as SDL a person can read and edit: the `@source`, Query and
 * Mutation with one `@rest` field per operation, then the named types in alphabetical
 * order (so `Pet` and `PetInput` sit together and a type is easy to find).
 */
export function printSourceFile(file: SourceFileModel): string {
  const out: string[] = [];
  for (const line of file.header) out.push(line === '' ? '#' : `# ${line}`);
  out.push('');
  out.push(`extend schema @source(name: ${string(file.source.name)}, kind: REST, url: ${string(file.source.url)})`);
  for (const root of ['Query', 'Mutation'] as const) {
    const fields = file.fields.filter((field) => field.root === root);
    if (fields.length === 0) continue;
    out.push('', `type ${root} {`);
    fields.forEach((field, i) => {
      if (i > 0) out.push('');
      out.push(...rootField(field, file.source.name));
    });
    out.push('}');
  }
  const types = [...file.types].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const type of types) out.push('', ...typeDefinition(type));
  return `${out.join('\n')}\n`;
}

function rootField(field: RootFieldDefinition, source: string): string[] {
  const lines = description(field.description, '  ');
  const deprecated = field.deprecated ? ' @deprecated' : '';
  const oneLine = `  ${field.name}${argumentsOnOneLine(field.args)}: ${field.type}${deprecated}`;
  // Without arguments there is nothing to break over lines, however long the type's name.
  if (field.args.length === 0 || (oneLine.length <= WIDTH && field.args.every((arg) => !arg.description))) {
    lines.push(oneLine);
  } else {
    lines.push(`  ${field.name}(`);
    for (const arg of field.args) {
      lines.push(...description(arg.description, '    '), `    ${argument(arg)}`);
    }
    lines.push(`  ): ${field.type}${deprecated}`);
  }
  lines.push(...restDirective(field.rest, source, '    '));
  return lines;
}

function argumentsOnOneLine(args: readonly ArgumentDefinition[]): string {
  return args.length === 0 ? '' : `(${args.map(argument).join(', ')})`;
}

function argument(arg: ArgumentDefinition): string {
  return `${arg.name}: ${arg.type}${arg.defaultValue === undefined ? '' : ` = ${arg.defaultValue}`}`;
}

function restDirective(rest: RestCall, source: string, indent: string): string[] {
  const parts: [string, string][] = [['source', string(source)]];
  if (rest.method !== 'GET') parts.push(['method', rest.method]);
  parts.push(['path', string(rest.path)]);
  const params = (list: readonly RestParamDefinition[]) => list.map(param);
  if (rest.query.length > 0) parts.push(['query', `[${params(rest.query).join(', ')}]`]);
  if (rest.headers.length > 0) parts.push(['headers', `[${params(rest.headers).join(', ')}]`]);
  if (rest.body !== undefined) parts.push(['body', string(rest.body)]);
  if (rest.encoding !== 'JSON') parts.push(['encoding', rest.encoding]);

  const oneLine = `${indent}@rest(${parts.map(([k, v]) => `${k}: ${v}`).join(', ')})`;
  if (oneLine.length <= WIDTH) return [oneLine];
  const lines = [`${indent}@rest(`];
  for (const [key, value] of parts) {
    const list = key === 'query' ? rest.query : key === 'headers' ? rest.headers : undefined;
    if (list && `${indent}  ${key}: ${value}`.length > WIDTH) {
      lines.push(`${indent}  ${key}: [`, ...params(list).map((p) => `${indent}    ${p}`), `${indent}  ]`);
    } else {
      lines.push(`${indent}  ${key}: ${value}`);
    }
  }
  lines.push(`${indent})`);
  return lines;
}

function param(p: RestParamDefinition): string {
  return `{ name: ${string(p.name)}, value: ${string(p.value)}${p.explode ? '' : ', explode: false'}${p.style && p.style !== 'FORM' ? `, style: ${p.style}` : ''} }`;
}

function typeDefinition(type: TypeDefinition): string[] {
  const lines = description(type.description, '');
  switch (type.kind) {
    case 'object':
    case 'input':
      lines.push(`${type.kind === 'object' ? 'type' : 'input'} ${type.name} {`);
      for (const field of type.fields) lines.push(...fieldDefinition(field));
      lines.push('}');
      return lines;
    case 'enum':
      lines.push(`enum ${type.name} {`);
      for (const value of type.values) lines.push(`  ${value.name}${wire(value.wireName)}`);
      lines.push('}');
      return lines;
    case 'union':
      lines.push(...unionDefinition(type));
      return lines;
  }
}

function unionDefinition(type: UnionTypeDefinition): string[] {
  const mapping = type.discriminator?.mapping.map((m) => `{ value: ${string(m.value)}, type: ${string(m.type)} }`) ?? [];
  const discriminator = type.discriminator
    ? `@discriminator(property: ${string(type.discriminator.property)}, mapping: [${mapping.join(', ')}])`
    : '';
  const oneLine = `union ${type.name}${discriminator ? ` ${discriminator}` : ''} = ${type.members.join(' | ')}`;
  if (oneLine.length <= WIDTH) return [oneLine];
  const lines = [`union ${type.name}`];
  if (type.discriminator) {
    lines.push(`  @discriminator(property: ${string(type.discriminator.property)}, mapping: [`);
    lines.push(...mapping.map((m) => `    ${m}`), '  ])');
  }
  lines.push(...type.members.map((member, i) => `  ${i === 0 ? '=' : '|'} ${member}`));
  return lines;
}

function fieldDefinition(field: FieldDefinition): string[] {
  return [...description(field.description, '  '), `  ${field.name}: ${field.type}${wire(field.wireName)}${field.deprecated ? ' @deprecated' : ''}`];
}

function wire(name: string | undefined): string {
  return name === undefined ? '' : ` @wire(name: ${string(name)})`;
}

/** A description: `"…"` when it is one short line, a block string otherwise. */
function description(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  const single = !text.includes('\n') && `${indent}${text}`.length <= WIDTH - 2;
  if (single) return [`${indent}${string(text)}`];
  const block = print({ kind: Kind.STRING, value: text, block: true });
  return block.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
}

function string(value: string): string {
  return print({ kind: Kind.STRING, value });
}
