import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  print,
  printType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';
import type { Graph } from '../../graph/index.js';

export interface CatalogOptions {
  readonly paused: ReadonlySet<string>;
  /** Which registry revision this describes. */
  readonly version: string;
  /** Print each source's URL (scheme, host, port, path only). Off: the page is public, upstream addresses are not. */
  readonly showSourceUrls?: boolean;
}

/**
 * The capability catalog at /api: every composite and every source operation with its
 * call address and its request and response formats, as one HTML page generated from
 * the live graph. Types named in responses are printed once, at the end, and linked.
 */
export function catalogPage(graph: Graph, options: CatalogOptions): string {
  const types = new Map<string, GraphQLNamedType>();
  const typeLink = (field: GraphQLField<unknown, unknown>) => {
    collect(getNamedType(field.type), types);
    const named = getNamedType(field.type);
    const written = String(field.type);
    return isLeafType(named) ? code(written) : code(written.replace(named.name, `<a href="#type-${named.name}">${named.name}</a>`), false);
  };

  const composites = [...graph.plans.values()].sort((a, b) => a.name.localeCompare(b.name)).map((plan) => {
    const root = plan.operation === 'mutation' ? graph.schema.getMutationType()! : graph.schema.getQueryType()!;
    const field = root.getFields()[plan.name] as GraphQLField<unknown, unknown>;
    const paused = options.paused.has(plan.name);
    const rest =
      plan.operation === 'mutation'
        ? `POST /api/${plan.name}  (JSON body: ${field.args.length ? `{ ${field.args.map((a) => `"${a.name}": …`).join(', ')} }` : '{}'})`
        : `GET /api/${plan.name}${field.args.length ? `?${field.args.map((a) => `${a.name}=…`).join('&')}` : ''}`;
    return `
    <section id="composite-${esc(plan.name)}">
      <h3>${esc(plan.name)} <span class="state ${paused ? 'paused' : 'published'}">${paused ? 'paused (503)' : 'published'}</span> <span class="kind">${plan.operation}</span></h3>
      ${plan.description ? `<p>${esc(plan.description)}</p>` : ''}
      <dl>
        <dt>REST</dt><dd>${code(rest)}</dd>
        <dt>GraphQL</dt><dd>${code(`POST /graphql  ${graphqlCall(plan.operation, field)}`)}</dd>
        <dt>Request</dt><dd>${argumentTable(field.args, 'variables')}</dd>
        <dt>Response</dt><dd>${code('{ "data": ')}${typeLink(field)}${code(', "errors"?: [...] }')}</dd>
        <dt>Protocol</dt><dd>${esc(graph.protocols.get(plan.name) ?? 'REST')} <span class="muted">(besides GraphQL; the majority of its steps' sources unless its version recorded another)</span></dd>
        <dt>Plan</dt><dd>${esc(plan.stages.map((s) => s.join(' ‖ ')).join(' → '))} <span class="muted">(${plan.steps.length} steps, critical path ${plan.criticalPath.length})</span></dd>
      </dl>
    </section>`;
  });

  const bySource = new Map<string, { coordinate: string; field: GraphQLField<unknown, unknown>; operation: 'query' | 'mutation' }[]>();
  for (const [coordinate, operation] of [...graph.operations].sort(([a], [b]) => a.localeCompare(b))) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = graph.schema.getType(typeName);
    const field = type && isObjectType(type) ? (type.getFields()[fieldName] as GraphQLField<unknown, unknown>) : undefined;
    if (!field) continue;
    const list = bySource.get(operation.source.name) ?? [];
    list.push({ coordinate, field, operation: typeName === 'Mutation' ? 'mutation' : 'query' });
    bySource.set(operation.source.name, list);
  }
  const sources = [...bySource].sort(([a], [b]) => a.localeCompare(b)).map(([name, operations]) => {
    const source = graph.sources.get(name);
    const rows = operations.map(({ coordinate, field, operation }) => {
      const upstream = (field.astNode?.directives ?? []).filter((d) => d.name.value === 'rest' || d.name.value === 'soap').map((d) => print(d));
      return `<tr id="operation-${esc(coordinate)}">
          <td>${code(coordinate)}</td>
          <td>${code(`POST /graphql  ${graphqlCall(operation, field)}`)}</td>
          <td>${argumentTable(field.args, 'arguments')}</td>
          <td>${typeLink(field)}</td>
          <td>${upstream.map((u) => code(u)).join('<br>') || '—'}</td>
        </tr>`;
    });
    return `
    <section id="source-${esc(name)}">
      <h3>${esc(name)} <span class="kind">${esc(source?.kind ?? '')}</span> ${options.showSourceUrls && source?.url ? ` <span class="muted">${esc(withoutSecrets(source.url))}</span>` : ''}</h3>
      <table>
        <thead><tr><th>operation</th><th>call</th><th>request</th><th>response</th><th>upstream call</th></tr></thead>
        <tbody>${rows.join('')}</tbody>
      </table>
    </section>`;
  });

  const typeSections = [...types.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((type) => `<section id="type-${esc(type.name)}"><pre>${linkTypes(esc(printType(type)), types)}</pre></section>`);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Skein — capability catalog</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 76rem; padding: 0 1rem; color: #1d232a; }
  code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
  code { background: #f3f4f6; padding: 0 .25em; border-radius: 3px; }
  pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  th, td { border-bottom: 1px solid #e5e7eb; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  td table td { border: 0; padding: 0 .4rem 0 0; }
  dl { display: grid; grid-template-columns: 7rem 1fr; gap: .3rem .8rem; }
  dt { font-weight: 600; color: #4b5563; }
  dd { margin: 0; }
  section { margin-bottom: 1.5rem; }
  .state, .kind { font-size: 12px; font-weight: 600; border-radius: 10px; padding: .1em .6em; vertical-align: middle; }
  .published { background: #dcfce7; color: #166534; } .paused { background: #fef3c7; color: #92400e; }
  .kind { background: #e0e7ff; color: #3730a3; } .muted { color: #6b7280; font-size: 13px; font-weight: normal; }
</style>
</head>
<body>
<h1>Skein capability catalog</h1>
<p>What this gateway serves (registry revision ${esc(options.version)}). GraphQL: <code>POST /graphql</code> (GraphiQL in a browser).
REST: one endpoint per composite under <code>/api/</code>, described by <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<nav><a href="#composites">Composite APIs (${composites.length})</a> · <a href="#sources">Source operations (${graph.operations.size})</a> · <a href="#types">Types (${types.size})</a></nav>
<h2 id="composites">Composite APIs</h2>
${composites.join('\n') || '<p class="muted">No composite is published.</p>'}
<h2 id="sources">Source operations</h2>
${sources.join('\n') || '<p class="muted">No source is registered.</p>'}
<h2 id="types">Types</h2>
${typeSections.join('\n')}
</body>
</html>
`;
}

function graphqlCall(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.length ? `(${field.args.map((a) => `${a.name}: …`).join(', ')})` : '';
  return `${operation} { ${field.name}${args}${isLeafType(getNamedType(field.type)) ? '' : ' { … }'} }`;
}

function argumentTable(args: readonly GraphQLArgument[], what: string): string {
  if (args.length === 0) return `<span class="muted">no ${what}</span>`;
  const rows = args.map(
    (a) =>
      `<tr><td>${code(a.name)}</td><td>${code(String(a.type))}</td><td>${
        isNonNullType(a.type) && a.defaultValue === undefined ? 'required' : a.defaultValue !== undefined ? `default ${esc(JSON.stringify(a.defaultValue))}` : 'optional'
      }</td></tr>`,
  );
  return `<table>${rows.join('')}</table>`;
}

/** The type and every non-scalar type reachable from it. */
function collect(type: GraphQLNamedType, into: Map<string, GraphQLNamedType>): void {
  if (into.has(type.name) || type.name.startsWith('__') || (isLeafType(type) && !isEnumType(type))) return;
  into.set(type.name, type);
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) collect(getNamedType(field.type as GraphQLOutputType), into);
  }
  if (isUnionType(type)) for (const member of type.getTypes()) collect(member, into);
}

function linkTypes(escaped: string, types: ReadonlyMap<string, GraphQLNamedType>): string {
  return escaped.replace(/(:\s*\[?)([A-Z_a-z]\w*)/g, (whole, before: string, name: string) =>
    types.has(name) ? `${before}<a href="#type-${name}">${name}</a>` : whole,
  );
}

function code(text: string, escape = true): string {
  return `<code>${escape ? esc(text) : text}</code>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A source URL as a developer may see it: no user, password, query (API keys) or fragment. */
function withoutSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '';
  }
}
