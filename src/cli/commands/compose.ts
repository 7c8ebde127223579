import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection, type AdminConnection } from './admin/client.js';
import { table } from './admin/table.js';
import { describe } from './lifecycle.js';

/** What `draftComposite` answers, and what `--format json` prints (less planText). */
interface Draft {
  name: string;
  document: string;
  plan: string;
  planJSON: unknown;
  protocol: 'REST' | 'SOAP';
  protocolFrom: 'request' | 'majority';
  matches: {
    step: string;
    field: string;
    source: string;
    kind: string;
    how: string;
    need: string | null;
    candidates: { field: string; source: string; kind: string; score: number; words: string[] }[];
  }[];
}

const DRAFT = /* GraphQL */ `
  mutation draft($request: JSON!, $file: String, $pick: [String!]) {
    draft: draftComposite(request: $request, file: $file, pick: $pick) {
      name document plan planJSON protocol protocolFrom
      matches { step field source kind how need candidates { field source kind score words } }
    }
  }
`;

interface ComposeOptions {
  format: string;
  save?: boolean;
  publish?: boolean;
  out?: string;
  pick: string[];
  schema?: string;
  gateway: string;
  token?: string;
}

/**
 * `skein compose <request>`: drafts a composite from a business request (YAML or JSON)
 * over what a running gateway serves, or over a schema folder with --schema; prints how
 * each step was matched, the document and its plan. --save stores it as a draft,
 * --publish serves it; a request with any error saves nothing.
 */
export function registerCompose(program: Command): void {
  withConnection(
    program
      .command('compose')
      .description('Draft a composite from a business request (steps in words and a dependency table): matched operations, the document, its plan and protocol.')
      .argument('<request>', 'the request document (.yaml or .json)')
      .option('-f, --format <format>', 'text, or json: { document, plan, matches, protocol }', 'text')
      .option('--save', 'save the drafted composite to the gateway (a draft, or a new version)')
      .option('--publish', 'save it and serve it')
      .option('-o, --out <file>', 'write the drafted document to this file')
      .option('--pick <step=Query.field>', 'choose the operation of a step whose need is ambiguous (repeatable)', collect, [])
      .option('-s, --schema <dir>', 'draft over a schema folder instead of a running gateway (no --save)'),
  ).action(async (file: string, options: ComposeOptions) => {
    try {
      if (options.format !== 'text' && options.format !== 'json') throw new Error(`--format must be text or json, not "${options.format}"`);
      if (options.schema && (options.save || options.publish)) throw new Error('--save and --publish store the draft in a running gateway; leave out --schema');
      for (const pick of options.pick) {
        if (!/^[_A-Za-z]\w*=((Query|Mutation)\.)?[_A-Za-z]\w*$/.test(pick)) throw new Error(`--pick takes step=Query.field, not "${pick}"`);
      }
      const text = await readFile(file, 'utf8');
      const connection = connectionOf(options);
      const draft = options.schema ? await draftLocally(options.schema, text, file, options.pick) : await draftOnGateway(connection, text, file, options.pick);
      if (options.out) await writeFile(options.out, draft.document);

      if (options.format === 'json') {
        console.log(JSON.stringify({ name: draft.name, document: draft.document, plan: draft.planJSON, matches: draft.matches, protocol: draft.protocol, protocolFrom: draft.protocolFrom }, null, 2));
      } else {
        console.log(matchesTable(draft));
        console.log(`\nprotocol: ${draft.protocol} (${draft.protocolFrom === 'request' ? "the request's protocol:" : 'spoken by most of its steps; a tie goes to REST'})\n`);
        if (options.out) console.log(`wrote ${options.out}\n`);
        else console.log(draft.document);
        console.log(draft.plan);
      }
      if (options.save || options.publish) await store(connection, draft, file, options.publish === true, options.format === 'json');
    } catch (error) {
      reportFailure(error);
    }
  });
}

/** `skein find "<words>"`: the served operations that best match a need, best first. */
export function registerFind(program: Command): void {
  withConnection(
    program
      .command('find')
      .description('Rank the served operations against a need in words (the search skein compose uses).')
      .argument('<words>', 'the need, as a user would say it: "user details by id"')
      .option('-f, --format <format>', 'text, or json: [{ field, source, kind, score, words, fields }]', 'text')
      .option('-n, --limit <count>', 'how many candidates', '10')
      .option('-s, --schema <dir>', 'search a schema folder instead of a running gateway'),
  ).action(async (words: string, options: { format: string; limit: string; schema?: string; gateway: string; token?: string }) => {
    try {
      if (options.format !== 'text' && options.format !== 'json') throw new Error(`--format must be text or json, not "${options.format}"`);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Error(`--limit must be a whole number from 1 to 100, not "${options.limit}"`);
      let found: { field: string; source: string; kind: string; score: number; words: string[]; fields: string[] }[];
      if (options.schema) {
        const { operationIndexOf } = await import('../../compose/index.js');
        found = await withFolderGraph(options.schema, (graph) => operationIndexOf(graph).search(words, { limit }).map((c) => ({ ...c, words: [...c.words], fields: [...c.fields] })));
      } else {
        const result = await adminRequest<{ find: typeof found }>(
          connectionOf(options),
          'query find($need: String!, $limit: Int) { find(need: $need, limit: $limit) { field source kind score words fields } }',
          { need: words, limit },
        );
        found = result.find;
      }
      if (options.format === 'json') console.log(JSON.stringify(found, null, 2));
      else if (found.length === 0) console.log(`no served operation shares a word with "${words}"`);
      else console.log(table(['field', 'source', 'kind', 'score', 'matched'], found.map((c) => [c.field, c.source, c.kind, c.score.toFixed(2), `${c.words.join(', ')} (${c.fields.join(', ')})`])));
    } catch (error) {
      reportFailure(error);
    }
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function draftOnGateway(connection: AdminConnection, text: string, file: string, pick: string[]): Promise<Draft> {
  const { draft } = await adminRequest<{ draft: Draft }>(connection, DRAFT, { request: text, file, pick });
  return draft;
}

async function draftLocally(folder: string, text: string, file: string, pick: string[]): Promise<Draft> {
  const { composeRequest } = await import('../../compose/index.js');
  const { planToJSON } = await import('../../composite/index.js');
  return withFolderGraph(folder, (graph) => {
    const draft = composeRequest(graph, text, { file, picks: new Map(pick.map((p) => p.split('=') as [string, string])) });
    return {
      ...draft,
      plan: draft.planText,
      planJSON: planToJSON(draft.plan),
      matches: draft.matches.map((m) => ({ ...m, need: m.need ?? null, candidates: m.candidates.map((c) => ({ ...c, words: [...c.words] })) })),
    };
  });
}

async function withFolderGraph<T>(folder: string, use: (graph: import('../../graph/index.js').Graph) => T): Promise<T> {
  const { buildGraph } = await import('../../graph/index.js');
  const { loadSchemaFolder } = await import('../../schema/index.js');
  // Matching needs the schema, not the upstreams.
  const graph = await buildGraph(loadSchemaFolder(folder), { onSourceError: 'degrade' });
  try {
    return use(graph);
  } finally {
    await graph.close();
  }
}

/** Per step: what it was matched to, with score and words, and the runners-up. */
function matchesTable(draft: Draft): string {
  return table(
    ['step', 'operation', 'from', 'score', 'matched', 'also'],
    draft.matches.map((m) => {
      const [winner, ...rest] = m.candidates;
      const from = m.how === 'need' ? `"${m.need}"` : m.how === 'api' ? 'api:' : '--pick';
      return [
        m.step,
        `${m.field} (${m.source}, ${m.kind})`,
        from,
        winner ? winner.score.toFixed(2) : null,
        winner ? winner.words.join(', ') : null,
        rest.slice(0, 3).map((c) => `${c.field} ${c.score.toFixed(2)}`).join(', '),
      ];
    }),
  );
}

async function store(connection: AdminConnection, draft: Draft, file: string, publish: boolean, quiet: boolean): Promise<void> {
  const saved = await adminRequest<{ result: { name: string; state: string; version: number; liveVersion: number | null; endpoint: string | null } }>(
    connection,
    'mutation($document: String!, $note: String, $protocol: Protocol) { result: saveComposite(document: $document, note: $note, protocol: $protocol) { name state version liveVersion endpoint } }',
    { document: draft.document, note: `drafted from ${file}`, protocol: draft.protocol },
  );
  let result = saved.result;
  if (publish) {
    result = (
      await adminRequest<{ result: typeof result }>(connection, 'mutation($name: String!, $version: Int) { result: publish(name: $name, version: $version) { name state version liveVersion endpoint } }', {
        name: draft.name,
        version: saved.result.version,
      })
    ).result;
  }
  const line = `${file}: saved as v${saved.result.version} (protocol ${draft.protocol}) — ${describe(result, connection.gateway)}`;
  if (quiet) console.error(line);
  else console.log(`\n${line}`);
}
