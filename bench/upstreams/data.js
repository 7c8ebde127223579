// The upstreams' data, the same as the peer benchmark's: ids 1..1000 exist.
// Order n is {id: n, userId: (7n mod 1000) + 1, hotelId: (n mod 100) + 1, roomId: 10n + 1, total}.
// The scenarios build their expected answers from these functions too.
export const N = 1000;
const ROOM_TYPES = ['SINGLE', 'DOUBLE', 'TWIN', 'SUITE'];

export const order = (id) => ({ id, userId: ((id * 7) % N) + 1, hotelId: (id % 100) + 1, roomId: id * 10 + 1, total: Math.round(id * 123.45) / 100 });
export const user = (id) => ({ id, name: `User ${id}`, age: 18 + (id % 60), gender: id % 2 ? 'FEMALE' : 'MALE' });
export const hotel = (id) => ({ id, name: `Hotel ${id}`, stars: (id % 5) + 1, address: `${id} Main Street` });
export const room = (roomId) => ({ roomId, type: ROOM_TYPES[roomId % ROOM_TYPES.length], floor: 1 + (Math.floor(roomId / 10) % 20), hasWindow: roomId % 3 !== 0 });
export const inRange = (id) => Number.isInteger(id) && id >= 1 && id <= N;
