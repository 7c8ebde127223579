import { getNamedType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind, type GraphQLField, type GraphQLOutputType } from 'graphql';
import MiniSearch, { type SearchResult } from 'minisearch';
import { stemmer } from 'stemmer';
import type { Graph } from '../graph/index.js';
import { majorityProtocols } from './protocol.js';

/** One served operation as the search sees it. */
export interface IndexedOperation {
  /** `Query.user` */
  readonly field: string;
  /** The source it calls, or `composite` for a composite. */
  readonly source: string;
  /** REST or SOAP: the source's kind (a composite's protocol). */
  readonly kind: string;
}

/** An operation ranked against a need. */
export interface Candidate extends IndexedOperation {
  readonly score: number;
  /** The need's words that matched, as the index keeps them (stemmed). */
  readonly words: readonly string[];
  /** Where they matched: name, description, source, arguments, result. */
  readonly fields: readonly string[];
  /** The share of the need's words that matched, 0 to 1. */
  readonly coverage: number;
}

interface OperationDocument extends IndexedOperation {
  readonly id: string;
  readonly mutation: boolean;
  readonly list: boolean;
  /** The terms of its field name, for how much of the name a need explains. */
  readonly nameTerms: ReadonlySet<string>;
  readonly name: string;
  readonly description: string;
  readonly sourceText: string;
  readonly args: string;
  readonly result: string;
}

/**
 * Words too common in needs and API descriptions to tell operations apart. Verbs such as
 * get/fetch are here because nearly every read says one; what is read tells more.
 */
const STOP_WORDS = new Set(
  'a an and any are as at be by for from get gets fetch fetches retrieve retrieves return returns give gives i in into is it its me my of on or our so that the their them this to we what which with you your detail details info information data'.split(
    ' ',
  ),
);

/** Splits `getGrossSalary`, `repos/list-for-org`, `HTTPStatus2xx` into words. */
export function splitWords(text: string): string[] {
  return text
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .filter(Boolean);
}

/**
 * Abbreviations API names use for words people write out (GitHub's `reposListForOrg` is
 * described as "organization repositories"): each is indexed and searched as the full word.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  repo: 'repository',
  repos: 'repositories',
  org: 'organization',
  orgs: 'organizations',
  pr: 'pull request',
  prs: 'pull requests',
  auth: 'authentication',
  msg: 'message',
  qty: 'quantity',
  addr: 'address',
};

/** Lower case, abbreviations written out, no stop words, Porter stems: `salaries` and `salary` are one term. */
export function processTerm(term: string): string | string[] | null {
  const word = term.toLowerCase();
  const full = ABBREVIATIONS[word];
  if (full) {
    const terms = full.split(' ').map((w) => stemmer(w));
    return terms.length === 1 ? terms[0] : terms;
  }
  if (word.length < 2 || STOP_WORDS.has(word)) return null;
  return stemmer(word);
}

/** The terms of a text as the index keeps them. */
function termsOf(text: string): string[] {
  return splitWords(text).flatMap((word) => {
    const term = processTerm(word);
    return term === null ? [] : Array.isArray(term) ? term : [term];
  });
}

/**
 * Verbs that ask to change something. A need that starts with one wants a mutation; any
 * other need (a noun phrase: "forks of a repository") wants a query.
 */
const CHANGE_VERBS = new Set(
  'add approve archive assign block cancel close comment create delete disable dismiss enable follow fork invite lock merge mark move open pin post publish push remove rename render reopen replace request rerun reset revoke send set star start stop submit sync transfer trigger unlock unstar update upload write book pay order'.split(
    ' ',
  ),
);

/** Whether the need names several things ("issues", "branches"): a plural word the stemmer shortens. */
function plural(need: string): boolean {
  return splitWords(need).some((word) => {
    const lower = word.toLowerCase();
    return lower.length > 3 && /[^su]s$/.test(lower) && !STOP_WORDS.has(lower) && stemmer(lower) !== lower;
  });
}

/** Field weights: the name says most about what an operation does, the source least. */
const BOOST = { name: 3, description: 2, result: 1, args: 1, sourceText: 0.5 };

/**
 * The searchable catalog of a graph's operations (every served root field: upstream
 * operations and composites). Each is indexed by its field name split into words, its
 * description, its source's name and kind (and REST path or SOAP operation), its
 * arguments' names and types, and its result type's name and field names. Scoring is
 * minisearch's BM25; terms are stemmed, and longer ones also match with a typo or as a prefix.
 */
export class OperationIndex {
  readonly size: number;
  readonly #search: MiniSearch<OperationDocument>;
  readonly #documents = new Map<string, OperationDocument>();

  constructor(graph: Graph) {
    this.#search = new MiniSearch<OperationDocument>({
      fields: ['name', 'description', 'sourceText', 'args', 'result'],
      storeFields: [],
      tokenize: splitWords,
      processTerm,
      searchOptions: {
        boost: BOOST,
        combineWith: 'OR',
        fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
        prefix: (term) => term.length >= 4,
        weights: { fuzzy: 0.4, prefix: 0.3 },
      },
    });
    const documents = operationDocuments(graph);
    for (const document of documents) this.#documents.set(document.id, document);
    this.#search.addAll(documents);
    this.size = documents.length;
  }

  /**
   * The operations that share words with `need`, best first. `exclude` leaves out fields
   * (a composite being redrafted). minisearch's BM25 score is then weighed by what the
   * words alone do not say: how much of the operation's name the need explains (a
   * short name fully explained beats a long one that merely contains the words), whether
   * the need asks to change something (a mutation) or to read (a query), and whether it
   * names one thing or several (a list result).
   */
  search(need: string, options: { limit?: number; exclude?: ReadonlySet<string> } = {}): Candidate[] {
    const { limit = 10, exclude } = options;
    const results = this.#search.search(need, exclude?.size ? { filter: (r) => !exclude.has(r.id as string) } : undefined);
    const needTerms = new Set(termsOf(need));
    const change = CHANGE_VERBS.has(splitWords(need)[0]?.toLowerCase() ?? '');
    const several = plural(need);
    const weighed = results.map((result) => {
      const document = this.#documents.get(result.id as string)!;
      const named = [...document.nameTerms].filter((t) => needTerms.has(t) || result.terms.includes(t)).length;
      const explained = document.nameTerms.size ? named / document.nameTerms.size : 0;
      const root = document.mutation === change ? 1 : change ? 0.6 : 0.5;
      const number = document.list === several ? 1.15 : 1;
      return { result, score: result.score * (0.6 + 0.4 * explained) * root * number };
    });
    weighed.sort((a, b) => b.score - a.score);
    return weighed.slice(0, limit).map(({ result, score }) => this.#candidate({ ...result, score }, need));
  }

  /** Looser: any term as a prefix or with two typos, for "the nearest" when nothing matches. */
  nearest(need: string, options: { limit?: number; exclude?: ReadonlySet<string> } = {}): Candidate[] {
    const { limit = 3, exclude } = options;
    const results = this.#search.search(need, {
      fuzzy: (term) => (term.length >= 3 ? 0.4 : false),
      prefix: true,
      filter: exclude?.size ? (r) => !exclude.has(r.id as string) : undefined,
    });
    return results.slice(0, limit).map((result) => this.#candidate(result, need));
  }

  /** The operation at `field` (`Query.user`), if served. */
  get(field: string): IndexedOperation | undefined {
    return this.#documents.get(field);
  }

  #candidate(result: SearchResult, need: string): Candidate {
    const document = this.#documents.get(result.id as string)!;
    // The index keeps stems (`salari`); show the need's own words.
    const written = new Map(splitWords(need).flatMap((word) => termsOf(word).map((term) => [term, word.toLowerCase()] as const)));
    const fields = new Set(Object.values(result.match).flat());
    return {
      field: document.field,
      source: document.source,
      kind: document.kind,
      score: Math.round(result.score * 100) / 100,
      words: [...new Set(result.queryTerms.map((term) => written.get(term) ?? term))],
      fields: [...fields].map((f) => (f === 'sourceText' ? 'source' : f)),
      coverage: written.size ? Math.min(1, new Set(result.queryTerms).size / written.size) : 0,
    };
  }
}

const indexes = new WeakMap<Graph, OperationIndex>();

/** The index of a graph, built once per graph (a graph is immutable; a reload makes a new one). */
export function operationIndexOf(graph: Graph): OperationIndex {
  let index = indexes.get(graph);
  if (!index) {
    index = new OperationIndex(graph);
    indexes.set(graph, index);
  }
  return index;
}

function operationDocuments(graph: Graph): OperationDocument[] {
  const documents: OperationDocument[] = [];
  const protocols = graph.protocols ?? majorityProtocols(graph.plans, graph.operations, new Map());
  for (const root of [graph.fullSchema.getQueryType(), graph.fullSchema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const id = `${root.name}.${field.name}`;
      const operation = graph.operations.get(id);
      const plan = graph.plans.get(field.name);
      if (!operation && !plan) continue; // built-ins such as Query._skein
      const source = operation ? operation.source.name : 'composite';
      const kind = operation ? operation.source.kind : (protocols.get(field.name) ?? 'REST');
      const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
      documents.push({
        id,
        field: id,
        mutation: root.name !== 'Query',
        list: isListType(inner),
        nameTerms: new Set(termsOf(field.name)),
        source,
        kind,
        name: field.name,
        description: (plan ? plan.description : field.description) ?? '',
        sourceText: `${source} ${kind} ${upstreamAddress(field)}`,
        args: field.args.map((arg) => `${arg.name} ${getNamedType(arg.type).name}`).join(' '),
        result: resultWords(field.type),
      });
    }
  }
  return documents;
}

/** The REST path or SOAP operation the field calls, as its directive says. */
function upstreamAddress(field: GraphQLField<unknown, unknown>): string {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'rest' || d.name.value === 'soap');
  const argument = directive?.arguments?.find((a) => a.name.value === 'path' || a.name.value === 'operation');
  return argument?.value.kind === Kind.STRING ? argument.value.value.replace(/\{[^}]*\}/g, ' ') : '';
}

/** The result type's name and its field names (a list result also reads as "list"). */
function resultWords(type: GraphQLOutputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(type);
  const words = [isListType(inner) ? `list ${named.name}` : named.name];
  if (isObjectType(named) || isInterfaceType(named)) words.push(...Object.keys(named.getFields()).slice(0, 40));
  return words.join(' ');
}
