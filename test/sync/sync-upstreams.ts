import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Person {
  id: string;
  name: string;
  email: string;
  updatedAt: string;
}

/** A people API: `GET /people?offset=&limit=&since=`, sorted by id; records are changed and removed by the test. */
export async function startPeopleApi(count: number): Promise<{ url: string; people: Map<string, Person>; reads: () => number; close(): Promise<void> }> {
  const people = new Map<string, Person>();
  for (let i = 1; i <= count; i++) {
    const id = String(i).padStart(5, '0');
    people.set(id, { id, name: `Person ${i}`, email: `p${i}@example.test`, updatedAt: `2026-01-01T00:00:00.000Z` });
  }
  let reads = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    reads++;
    const since = url.searchParams.get('since');
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const all = [...people.values()].filter((p) => !since || p.updatedAt > since).sort((a, b) => a.id.localeCompare(b.id));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(all.slice(offset, offset + limit)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    people,
    reads: () => reads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A CRM that counts what it applies: `PUT /contacts/:id` (with an Idempotency-Key: the
 * same key again answers without applying twice) and `DELETE /contacts/:id`. `refuse`
 * answers 422 for one id; `down` answers 503 to everything.
 */
export async function startCrm(options: { delayMs?: number } = {}): Promise<{
  url: string;
  contacts: Map<string, Record<string, unknown>>;
  /** How often each id was applied (a PUT that was not a repeat of an idempotency key). */
  applied: Map<string, number>;
  deleted: string[];
  requests: () => number;
  refuse: Set<string>;
  /** Ids whose fullName the CRM stores upper-cased. */
  mangle: Set<string>;
  setDown(down: boolean): void;
  /** Writes in flight now, and the most at once. */
  inFlight: { now: number; max: number };
  /** Answers wait (requests are taken, not answered) until the function returned is called. */
  holdAnswers(): () => void;
  close(): Promise<void>;
}> {
  const contacts = new Map<string, Record<string, unknown>>();
  const applied = new Map<string, number>();
  const seenKeys = new Set<string>();
  const deleted: string[] = [];
  const refuse = new Set<string>();
  const mangle = new Set<string>();
  const inFlight = { now: 0, max: 0 };
  let down = false;
  let requests = 0;
  let held: (() => void)[] | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      requests++;
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      const answer = (status: number, value: unknown) => {
        const send = () => {
          inFlight.now--;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        const go = () => (options.delayMs ? void setTimeout(send, options.delayMs) : send());
        if (held) held.push(go);
        else go();
      };
      if (down) return answer(503, { error: 'maintenance' });
      const id = decodeURIComponent(req.url!.replace(/^\/contacts\//, ''));
      if (refuse.has(id)) return answer(422, { error: `contact ${id}: email is not accepted` });
      if (req.method === 'GET') {
        const contact = contacts.get(id);
        return contact ? answer(200, { id, ...contact }) : answer(404, { error: `no contact ${id}` });
      }
      if (req.method === 'DELETE') {
        contacts.delete(id);
        deleted.push(id);
        return answer(200, { id });
      }
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && seenKeys.has(key)) return answer(200, { id });
      if (typeof key === 'string') seenKeys.add(key);
      const contact = JSON.parse(body);
      // A target that changes what it is given: what verification by reading back is for.
      if (mangle.has(id)) contact.fullName = String(contact.fullName).toUpperCase();
      contacts.set(id, contact);
      applied.set(id, (applied.get(id) ?? 0) + 1);
      answer(200, { id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    contacts,
    applied,
    deleted,
    requests: () => requests,
    refuse,
    mangle,
    setDown: (value) => void (down = value),
    inFlight,
    holdAnswers: () => {
      held ??= [];
      return () => {
        const waiting = held ?? [];
        held = undefined;
        for (const go of waiting) go();
      };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function peopleSDL(url: string): string {
  return /* GraphQL */ `
extend schema @source(name: "people", kind: REST, url: "${url}")
type Person { id: ID! name: String! email: String updatedAt: String! }
type Query {
  people(offset: Int, limit: Int, since: String): [Person!]!
    @rest(source: "people", path: "/people", query: [{ name: "offset", value: "{offset}" }, { name: "limit", value: "{limit}" }, { name: "since", value: "{since}" }])
}
`;
}

export function crmSDL(url: string): string {
  return /* GraphQL */ `
extend schema @source(name: "crm", kind: REST, url: "${url}")
input ContactInput { id: ID! fullName: String! email: String origin: String }
type Contact { id: ID! }
type StoredContact { id: ID! fullName: String email: String origin: String }
type Query { contact(id: ID!): StoredContact @rest(source: "crm", path: "/contacts/{id}") }
type Mutation {
  upsertContact(id: ID!, input: ContactInput!, idempotencyKey: String): Contact
    @rest(source: "crm", method: PUT, path: "/contacts/{id}", body: "input", headers: [{ name: "Idempotency-Key", value: "{idempotencyKey}" }])
  deleteContact(id: ID!): Contact @rest(source: "crm", method: DELETE, path: "/contacts/{id}")
}
`;
}

/** A sync job from people into the CRM, renaming name to fullName and adding origin. */
export function contactsJob(options: { name?: string; rule?: string; schedule?: string; size?: number; extra?: string } = {}): string {
  const rule = options.rule ?? 'FULL';
  return /* GraphQL */ `query ${options.name ?? 'contacts'}($offset: Int, $limit: Int, $since: String) @sync(
  key: "id"
  rule: ${rule}
  ${rule === 'INCREMENTAL' ? 'cursor: { field: "updatedAt", variable: "since" }' : ''}
  paging: { style: OFFSET, variable: "offset", size: ${options.size ?? 100}, sizeVariable: "limit" }
  constants: [{ name: "origin", value: "skein" }]
  upsert: "upsertContact(id: $key, input: $record, idempotencyKey: $idempotencyKey) { id }"
  ${rule === 'DIFF' ? 'delete: "deleteContact(id: $key) { id }"' : ''}
  ${options.schedule ? `schedule: { cron: "${options.schedule}", timeZone: "Europe/Berlin" }` : ''}
  ${options.extra ?? ''}
) {
  people(offset: $offset, limit: $limit, since: $since) { id fullName: name email${rule === 'INCREMENTAL' ? ' updatedAt' : ''} }
}
`;
}
