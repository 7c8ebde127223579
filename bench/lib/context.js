// What every scenario gets: the settings, the ports, a log line, and Skein registries
// prepared once per run (a fresh embedded registry per schema folder).
import { prepareRegistry } from './skein.js';
import { ports, settings } from './settings.js';

export function createContext() {
  const registries = new Map();
  return {
    settings,
    ports,
    /** Figures one scenario leaves for another (the targets table reads scenario 2's). */
    shared: {},
    log: (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args),
    /** The data dir of a registry seeded from `schema` in this run (prepared on first use). */
    async registry(name, schema, port = ports.gateway) {
      if (!registries.has(name)) registries.set(name, await prepareRegistry({ name, schema, port }));
      return registries.get(name).dataDir;
    },
    /** Figures of the first (seeding) start of each registry prepared so far. */
    preparedRegistries: () => registries,
  };
}
