import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpenAPI, type OpenAPIImport } from '../../src/sources/rest/openapi/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { packageFile } from '../helpers/npm-fixtures.js';
import { startRecordingUpstream, type Received, type RecordingUpstream } from '../helpers/recording-upstream.js';

const EXAMPLES = '@readme/oas-examples@8.2.2';

interface Pet {
  id: number;
  name: string;
  photoUrls: string[];
  status?: string;
  category?: { id: number; name: string };
  tags?: { id: number; name: string }[];
}

/** A small Petstore on loopback: pets, orders and users in memory, every request recorded. */
async function startPetstore(): Promise<RecordingUpstream> {
  const pets = new Map<number, Pet>([
    [7, { id: 7, name: 'Rex', photoUrls: ['rex.jpg'], status: 'available', category: { id: 1, name: 'Dogs' }, tags: [{ id: 1, name: 'good' }] }],
    [8, { id: 8, name: 'Tom', photoUrls: [], status: 'sold', tags: [{ id: 2, name: 'grumpy' }] }],
    [9, { id: 9, name: 'Polly', photoUrls: [], status: 'pending' }],
  ]);
  const users = new Map([['bob', { id: 1, username: 'bob', firstName: 'Bob', email: 'bob@example.com', userStatus: 1 }]]);
  const idOf = (request: Received) => Number(request.path.split('/').pop());
  return startRecordingUpstream({
    'GET /v2/pet/findByStatus': (r) => ({ json: [...pets.values()].filter((p) => r.query.getAll('status').includes(p.status!)) }),
    'GET /v2/pet/findByTags': (r) => ({ json: [...pets.values()].filter((p) => p.tags?.some((t) => r.query.getAll('tags').includes(t.name))) }),
    'GET /v2/pet/*': (r) => (pets.has(idOf(r)) ? { json: pets.get(idOf(r)) } : { status: 404, json: { code: 1, type: 'error', message: 'Pet not found' } }),
    'POST /v2/pet': (r) => {
      const pet = { ...JSON.parse(r.body), id: 100 };
      pets.set(pet.id, pet);
      return { json: pet };
    },
    'POST /v2/pet/*': (r) => {
      const form = Object.fromEntries(new URLSearchParams(r.body));
      Object.assign(pets.get(idOf(r))!, form);
      return { json: { code: 200, type: 'unknown', message: String(idOf(r)) } };
    },
    'DELETE /v2/pet/*': () => ({ status: 200 }),
    'GET /v2/store/inventory': () => ({ json: { available: 1, sold: 1, pending: 1 } }),
    'POST /v2/store/order': (r) => ({ json: { ...JSON.parse(r.body), id: 55 } }),
    'GET /v2/user/login': (r) => ({ json: `logged in user session:${r.query.get('username')}` }),
    'POST /v2/user/createWithList': () => ({ json: { code: 200, message: 'ok' } }),
    'GET /v2/user/*': (r) => {
      const user = users.get(r.path.split('/').pop()!);
      return user ? { json: user } : { status: 404, json: { message: 'User not found' } };
    },
    'PUT /v2/user/*': (r) => ({ json: { updated: r.path.split('/').pop(), with: JSON.parse(r.body) } }),
  });
}

describe.each(['2.0', '3.0', '3.1'])('OpenAPI import: the Petstore, version %s, through the gateway', (version) => {
  let imported: OpenAPIImport;
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  const last = () => upstream.received[upstream.received.length - 1];

  beforeAll(async () => {
    const file = packageFile(EXAMPLES, `package/${version}/json/petstore.json`);
    imported = await importOpenAPI(file, { source: 'petstore' });
    upstream = await startPetstore();
    gateway = await startTestGateway({ sources: { 'petstore.graphql': imported.sdl } }, { urls: { petstore: `${upstream.url}/v2` } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('imports every operation but the file upload, GET on Query and the rest on Mutation', () => {
    expect(imported.specVersion).toBe(version);
    expect(imported.queries).toBe(8);
    expect(imported.mutations).toBe(11);
    expect(imported.skipped.map((s) => s.where)).toEqual(['POST /pet/{petId}/uploadImage']);
    expect(imported.sdl).toContain('extend schema @source(name: "petstore", kind: REST, url: "http://petstore.swagger.io/v2")');
    expect(imported.sdl).toContain('getPetById(\n    "ID of pet to return"\n    petId: Float!\n  ): Pet\n');
    expect(imported.sdl).toContain('@rest(source: "petstore", method: POST, path: "/pet", body: "input")');
  });

  it('reads a pet by id, with nested objects, lists and enum wire values', async () => {
    const answer = await gateway.query(`{ getPetById(petId: 7) { id name photoUrls status category { name } tags { id name } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      getPetById: { id: 7, name: 'Rex', photoUrls: ['rex.jpg'], status: 'AVAILABLE', category: { name: 'Dogs' }, tags: [{ id: 1, name: 'good' }] },
    });
    expect(last()).toMatchObject({ method: 'GET', path: '/v2/pet/7', body: '' });
    expect(last().headers.accept).toBe('application/json');
  });

  it('sends a list of enum values as repeated query parameters, under their wire values', async () => {
    const answer = await gateway.query(`{ findPetsByStatus(status: [AVAILABLE, SOLD]) { name status } }`);
    expect(answer.data).toEqual({ findPetsByStatus: [{ name: 'Rex', status: 'AVAILABLE' }, { name: 'Tom', status: 'SOLD' }] });
    expect(last().path).toBe('/v2/pet/findByStatus');
    expect(last().query.getAll('status')).toEqual(['available', 'sold']);
  });

  it('keeps a deprecated operation callable', async () => {
    const answer = await gateway.query(`{ findPetsByTags(tags: ["grumpy"]) { name } }`);
    expect(answer.data).toEqual({ findPetsByTags: [{ name: 'Tom' }] });
    expect(last().query.getAll('tags')).toEqual(['grumpy']);
  });

  it('sends an input type as the JSON body, with wire enum values, and returns an undocumented answer as JSON', async () => {
    const answer = await gateway.query(
      `mutation($pet: PetInput!) { addPet(input: $pet) }`,
      { pet: { name: 'Fido', photoUrls: ['fido.png'], status: 'PENDING', category: { id: 1, name: 'Dogs' }, tags: [{ name: 'new' }] } },
    );
    expect(answer.errors).toBeUndefined();
    expect(last()).toMatchObject({ method: 'POST', path: '/v2/pet' });
    expect(last().headers['content-type']).toBe('application/json');
    const sent = JSON.parse(last().body);
    expect(sent).toEqual({ name: 'Fido', photoUrls: ['fido.png'], status: 'pending', category: { id: 1, name: 'Dogs' }, tags: [{ name: 'new' }] });
    expect(answer.data).toEqual({ addPet: { ...sent, id: 100 } });
  });

  it('sends form fields for a form-encoded body', async () => {
    const answer = await gateway.query(`mutation { updatePetWithForm(petId: 9, input: { name: "Polly II", status: "sold" }) }`);
    expect(answer.errors).toBeUndefined();
    expect(last()).toMatchObject({ method: 'POST', path: '/v2/pet/9', body: 'name=Polly+II&status=sold' });
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
    const read = await gateway.query(`{ getPetById(petId: 9) { name status } }`);
    expect(read.data).toEqual({ getPetById: { name: 'Polly II', status: 'SOLD' } });
  });

  it('sends header parameters from arguments', async () => {
    const answer = await gateway.query(`mutation { deletePet(petId: 8, api_key: "key-123") }`);
    expect(answer).toMatchObject({ data: { deletePet: null } });
    expect(answer.errors).toBeUndefined();
    expect(last()).toMatchObject({ method: 'DELETE', path: '/v2/pet/8' });
    expect(last().headers.api_key).toBe('key-123');
  });

  it('places an order and reads the answer as the documented type', async () => {
    const answer = await gateway.query(
      `mutation { placeOrder(input: { petId: 7, quantity: 2, status: PLACED, complete: false }) { id petId quantity status complete } }`,
    );
    expect(answer.data).toEqual({ placeOrder: { id: 55, petId: 7, quantity: 2, status: 'PLACED', complete: false } });
    expect(JSON.parse(last().body)).toEqual({ petId: 7, quantity: 2, status: 'placed', complete: false });
  });

  it('answers a map as JSON and a string as String', async () => {
    const answer = await gateway.query(`{ getInventory loginUser(username: "bob", password: "s3cret") }`);
    expect(answer.data).toEqual({ getInventory: { available: 1, sold: 1, pending: 1 }, loginUser: 'logged in user session:bob' });
    const login = upstream.received.find((r) => r.path === '/v2/user/login')!;
    expect(Object.fromEntries(login.query)).toEqual({ username: 'bob', password: 's3cret' });
  });

  it('sends a list body and a path parameter with a body', async () => {
    await gateway.query(`mutation { createUsersWithListInput(input: [{ username: "a" }, { username: "b", userStatus: 2 }]) }`);
    expect(JSON.parse(last().body)).toEqual([{ username: 'a' }, { username: 'b', userStatus: 2 }]);
    const answer = await gateway.query(`mutation { updateUser(username: "bob", input: { email: "new@example.com" }) }`);
    expect(last()).toMatchObject({ method: 'PUT', path: '/v2/user/bob' });
    expect(answer.data).toEqual({ updateUser: { updated: 'bob', with: { email: 'new@example.com' } } });
  });

  it('reports an upstream 404 on the field, with the status', async () => {
    const answer = await gateway.query(`{ getUserByName(username: "nobody") { username } getPetById(petId: 7) { name } }`);
    expect(answer.data).toEqual({ getUserByName: null, getPetById: { name: 'Rex' } });
    expect(answer.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', source: 'petstore', status: 404 });
  });
});
