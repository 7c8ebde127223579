/**
 * The demo's data: deterministic, so examples in the README and tests stay true.
 * Order n belongs to user (7n mod 100) + 1, is at hotel (n mod 20) + 1, room 10n + 1.
 */
export const ORDER_COUNT = 1000;
export const USER_COUNT = 100;
export const HOTEL_COUNT = 20;

const FIRST = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas'];
const LAST = ['Lovelace', 'Costa', 'Rossi', 'Ivanov', 'Yilmaz', 'Haddad', 'Berg', 'Tanaka', 'Moreau', 'Weber'];
const GENDERS = ['female', 'male', 'female', 'male', 'female', 'male', 'female', 'male', 'female', 'diverse'];
const HOTELS = ['Aurora', 'Belvedere', 'Cascade', 'Dune', 'Edelweiss', 'Fjord', 'Granada', 'Harbour', 'Ivy', 'Juniper'];
const CITIES = ['Lisbon', 'Turin', 'Bergen', 'Kyoto', 'Lyon', 'Izmir', 'Hamburg', 'Porto', 'Seville', 'Tallinn'];

export interface Order { id: string; userId: string; hotelId: string; roomId: string; total: number }
export interface User { id: string; name: string; age: number; gender: string }
export interface Hotel { id: string; name: string; stars: number; address: string }

export function order(n: number): Order | undefined {
  if (!Number.isInteger(n) || n < 1 || n > ORDER_COUNT) return undefined;
  return {
    id: String(n),
    userId: String(((7 * n) % USER_COUNT) + 1),
    hotelId: String((n % HOTEL_COUNT) + 1),
    roomId: String(10 * n + 1),
    total: Math.round((80 + ((n * 37) % 400) + (n % 100) / 100) * 100) / 100,
  };
}

export function user(n: number): User | undefined {
  if (!Number.isInteger(n) || n < 1 || n > USER_COUNT) return undefined;
  const i = n - 1;
  return { id: String(n), name: `${FIRST[i % 10]} ${LAST[Math.floor(i / 10) % 10]}`, age: 20 + ((n * 13) % 50), gender: GENDERS[i % 10] };
}

/** When user n last changed: one an hour from the start of 2026, so an incremental sync has a cursor to follow. */
export function userUpdatedAt(n: number): string {
  return new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString();
}

export function hotel(n: number): Hotel | undefined {
  if (!Number.isInteger(n) || n < 1 || n > HOTEL_COUNT) return undefined;
  const i = n - 1;
  return {
    id: String(n),
    name: `Hotel ${HOTELS[i % 10]}${i >= 10 ? ' Garden' : ''}`,
    stars: (i % 5) + 1,
    address: `${1 + ((n * 17) % 200)} Harbour Street, ${CITIES[i % 10]}`,
  };
}

export const CUSTOMER_COUNT = 50;

export interface Verification { customerId: string; status: 'PASSED' | 'FAILED'; checkedAt: string }
export interface Statement { customerId: string; iban: string; balance: number; transactions: { date: string; amount: number; description: string }[] }

/** Every third customer fails identity verification. */
export function verification(n: number): Verification | undefined {
  if (!Number.isInteger(n) || n < 1 || n > CUSTOMER_COUNT) return undefined;
  return { customerId: String(n), status: n % 3 === 0 ? 'FAILED' : 'PASSED', checkedAt: `2026-11-${String(1 + (n % 20)).padStart(2, '0')}T09:30:00Z` };
}

export function statement(n: number): Statement | undefined {
  if (!Number.isInteger(n) || n < 1 || n > CUSTOMER_COUNT) return undefined;
  return {
    customerId: String(n),
    iban: `PT50 0002 0123 ${String(1000 + n * 37).padStart(4, '0')} 5467 8`,
    balance: Math.round((1500 + n * 123.45) * 100) / 100,
    transactions: [
      { date: '2026-11-02', amount: -64.9, description: 'Groceries' },
      { date: '2026-11-05', amount: 2400, description: 'Salary' },
      { date: '2026-11-09', amount: -120 - n, description: 'Hotel booking' },
    ],
  };
}
