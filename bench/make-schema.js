// Regenerates the imported half of bench/schema/ with Skein's own importers, from the
// peer's documents (bench/upstreams/openapi.json and hotel-room.wsdl are byte-for-byte
// copies of the peer's upstreams/ files, and the upstream processes serve them), then makes
// the edits a schema author would make by hand so the graph has the peer's root fields:
//
//   orders.graphql  getOrder → order, getUser → user (+ @batch through users(ids:)),
//                   getUsersByIds → users, getHotel → hotel
//   rooms.graphql   getRoom → room, GetRoomResponse → Room
//
// Below the line HAND_WRITTEN in orders.graphql come the parts written by hand (the joins
// Order.user / hotel / room and a bench-only list route); they are kept when the file is
// regenerated. (Skein's registry takes one file per source, so they cannot have a file of
// their own.) composites/hotelOrder.graphql is written by hand too and left alone.
//
//   node bench/make-schema.js          (then `git diff bench/schema` shows what changed)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const SOURCES = path.join(BENCH, 'schema', 'sources');
const PEER_UPSTREAMS = process.env.BENCH_PEER_DIR ? path.join(process.env.BENCH_PEER_DIR, 'upstreams') : '/work/shared/peer/upstreams';

const skein = (...args) => execFileSync(process.execPath, [path.join(ROOT, 'bin', 'skein.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const HAND_WRITTEN = '# ---- written by hand below this line; bench/make-schema.js keeps it ----';

/** What follows HAND_WRITTEN in a file, to put back after importing again. */
function handWritten(file) {
  try {
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(HAND_WRITTEN);
    return at < 0 ? '' : text.slice(at);
  } catch {
    return '';
  }
}

/** Applies [from, to] replacements, each of which must match exactly once. */
function edit(file, note, replacements, kept = '') {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of replacements) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${path.relative(ROOT, file)}: expected "${from}" once, found it ${count} times; did the importer's output change?`);
    text = text.replace(from, to);
  }
  writeFileSync(file, `${note}\n${text}${kept ? `\n${kept}` : ''}`);
}

for (const name of ['openapi.json', 'hotel-room.wsdl']) {
  try {
    if (!readFileSync(path.join(PEER_UPSTREAMS, name)).equals(readFileSync(path.join(BENCH, 'upstreams', name)))) {
      console.warn(`warning: bench/upstreams/${name} differs from ${PEER_UPSTREAMS}/${name}`);
    }
  } catch {
    console.warn(`note: ${PEER_UPSTREAMS}/${name} not found; importing bench/upstreams/${name} as is`);
  }
}

const orders = path.join(SOURCES, 'orders.graphql');
const ordersByHand = handWritten(orders);
process.stdout.write(skein('import', 'openapi', 'bench/upstreams/openapi.json', '--source', 'orders', '--out', path.relative(ROOT, orders)));
edit(orders, '# Edited by bench/make-schema.js after import: root fields renamed as in the peer, user batched.', [
  ['  getOrder(id: Int!)', '  order(id: Int!)'],
  ['  getUser(id: Int!): User\n    @rest(source: "orders", path: "/users/{id}")', '  user(id: Int!): User\n    @rest(source: "orders", path: "/users/{id}")\n    @batch(query: "users(ids: $id)", key: "id")'],
  ['  getUsersByIds(ids: [Int!]!)', '  users(ids: [Int!]!)'],
  ['  getHotel(id: Int!)', '  hotel(id: Int!)'],
], ordersByHand);

const rooms = path.join(SOURCES, 'rooms.graphql');
process.stdout.write(skein('import', 'wsdl', 'bench/upstreams/hotel-room.wsdl', '--source', 'rooms', '--out', path.relative(ROOT, rooms)));
// A gateway reads a source's WSDL only from inside its schema folder or from a URL; this one is read from the service.
edit(rooms, '# Edited by bench/make-schema.js after import: getRoom → room, GetRoomResponse → Room, as in the peer; the WSDL is read from the service (url?wsdl), as a deployed gateway reads it.', [
  ['  getRoom(roomId: Int!): GetRoomResponse', '  room(roomId: Int!): Room'],
  ['type GetRoomResponse {', 'type Room {'],
  ['wsdl: "../../upstreams/hotel-room.wsdl", ', ''],
]);
