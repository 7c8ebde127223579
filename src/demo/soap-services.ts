import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as soap from 'soap';
import { USER_COUNT } from './data.js';
import type { RunningServer } from './json-server.js';

/**
 * The demo's SOAP services, served in-process by the `soap` package as a real SOAP stack
 * would serve them: a hotel-room service (the SOAP part of the hotel example) and a
 * payroll service (the salary chain). Their WSDLs live in the demo schema folder, schema/wsdl/ (where its sources read them); the path is
 * taken from the package root, so the same files serve from src/ (tests) and dist/ (CLI).
 */
const WSDL_FOLDER = fileURLToPath(new URL('../../schema/wsdl/', import.meta.url));

export interface Room {
  roomId: string;
  type: 'single' | 'double' | 'suite';
  floor: number;
  hasWindow: boolean;
}

const ROOM_TYPES = ['single', 'double', 'suite'] as const;

/** Room n (orders book rooms 10n + 1): deterministic, so examples stay true. */
export function room(roomId: string): Room | undefined {
  const n = Number(roomId);
  if (!/^\d+$/.test(roomId) || n < 1) return undefined;
  return { roomId, type: ROOM_TYPES[n % 3], floor: 1 + (Math.floor(n / 10) % 12), hasWindow: n % 4 !== 0 };
}

/** Monthly gross salary of employee n (the demo's users), in euros with cents. */
export function grossSalary(employeeId: string): number | undefined {
  const n = Number(employeeId);
  if (!/^\d+$/.test(employeeId) || n < 1 || n > USER_COUNT) return undefined;
  return 2500 + ((n * 373) % 5000) + ((n * 7) % 100) / 100;
}

/** Social insurance: 20 % of the gross amount, rounded to the cent. */
export function socialInsurance(gross: number): number {
  return Math.round(gross * 20) / 100;
}

export function netSalary(gross: number, insurance: number): number {
  return Math.round((gross - insurance) * 100) / 100;
}

/** A SOAP Fault the soap package's server sends as such (faultcode, faultstring, detail). */
function clientFault(message: string, detail: Record<string, unknown>): { Fault: Record<string, unknown> } {
  return { Fault: { faultcode: 'soap:Client', faultstring: message, detail, statusCode: 500 } };
}

function amount(value: unknown, name: string): number {
  const number = Number(value);
  if (value === undefined || value === null || value === '' || !Number.isFinite(number)) {
    throw clientFault(`${name} must be a decimal amount, not ${JSON.stringify(value)}`, { field: name });
  }
  return number;
}

function services(delayMs: () => number): Record<string, { path: string; wsdl: string; services: soap.IServices }> {
  // Each answer waits delayMs() first, as the REST demo services do.
  const later = <T>(answer: () => T): Promise<T> =>
    new Promise((resolve, reject) => {
      const run = () => {
        try {
          resolve(answer());
        } catch (error) {
          reject(error);
        }
      };
      const delay = delayMs();
      if (delay > 0) setTimeout(run, delay);
      else run();
    });

  const rooms = {
    GetRoom: (args: { roomId?: unknown } | null) =>
      later(() => {
        const roomId = String(args?.roomId ?? '');
        const found = room(roomId);
        if (!found) throw clientFault(`Room ${roomId || '(none)'} does not exist`, { roomId });
        return { GetRoomResult: found };
      }),
    // The batch form: many rooms in one call, unknown ids left out.
    GetRooms: (args: { roomIds?: unknown } | null) =>
      later(() => {
        const ids = ([] as unknown[]).concat(args?.roomIds ?? []).map(String);
        return { GetRoomsResult: ids.map(room).filter((found) => found !== undefined) };
      }),
  };
  const payroll = {
    GetGrossSalary: (args: { employeeId?: unknown } | null) =>
      later(() => {
        const employeeId = String(args?.employeeId ?? '');
        const gross = grossSalary(employeeId);
        if (gross === undefined) throw clientFault(`Employee ${employeeId || '(none)'} does not exist`, { employeeId });
        return { grossSalary: gross.toFixed(2) };
      }),
    GetSocialInsurance: (args: { grossSalary?: unknown } | null) =>
      later(() => ({ socialInsurance: socialInsurance(amount(args?.grossSalary, 'grossSalary')).toFixed(2) })),
    GetNetSalary: (args: { grossSalary?: unknown; socialInsurance?: unknown } | null) =>
      later(() => ({
        netSalary: netSalary(amount(args?.grossSalary, 'grossSalary'), amount(args?.socialInsurance, 'socialInsurance')).toFixed(2),
      })),
  };
  return {
    rooms: {
      path: '/rooms',
      wsdl: readFileSync(`${WSDL_FOLDER}rooms.wsdl`, 'utf8'),
      services: { RoomService: { RoomServiceSoap: rooms, RoomServiceSoap12: rooms } },
    },
    payroll: {
      path: '/payroll',
      wsdl: readFileSync(`${WSDL_FOLDER}payroll.wsdl`, 'utf8'),
      services: { PayrollService: { PayrollSoap: payroll } },
    },
  };
}

/** Starts each SOAP service on a free loopback port; the URL is its endpoint (its WSDL is at URL?wsdl). */
export async function startSoapServices(delayMs: () => number): Promise<Record<string, RunningServer>> {
  const entries = await Promise.all(
    Object.entries(services(delayMs)).map(async ([name, service]) => {
      const server = http.createServer();
      server.keepAliveTimeout = 60_000;
      // The soap package answers only once it has read the WSDL: wait for that before handing out the URL.
      await new Promise<void>((resolve, reject) => {
        const listener = soap.listen(server, {
          path: service.path,
          services: service.services,
          xml: service.wsdl,
          callback: (error: unknown) => (error ? reject(error as Error) : resolve()),
        });
        listener.log = () => {};
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const running: RunningServer = {
        url: `http://127.0.0.1:${port}${service.path}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
      return [name, running] as const;
    }),
  );
  return Object.fromEntries(entries);
}
