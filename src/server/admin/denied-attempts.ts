/** One address's refused attempts in the current window. */
interface Tally {
  attempts: number;
  readonly reasons: Record<string, number>;
  readonly from: string;
  to: string;
}

export interface DeniedAttemptsOptions {
  /** Writes one aggregated audit row (the registry's `recordDenied`). */
  readonly record: (detail: Record<string, unknown>) => Promise<void>;
  /** Told about every refused attempt (the /metrics counter). */
  readonly onDenied?: () => void;
  /** How long attempts are gathered before they are written; one minute. */
  readonly windowMs?: number;
  readonly now?: () => number;
}

/** Addresses tallied apart in one window; the rest share one row, so a flood from many addresses stays a few rows. */
const MAX_ADDRESSES = 1_000;
export const OTHER_ADDRESSES = 'other';

/**
 * Refused admin requests (no token, a wrong one) are counted, not written one by one:
 * each is counted at once for /metrics, and the audit trail gets one `auth.denied` row
 * per address and minute, with the number of attempts and their reasons, written when the
 * minute is over or the gateway stops. So a flood of bad requests cannot flood the store.
 */
export class DeniedAttempts {
  readonly #tallies = new Map<string, Tally>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(private readonly options: DeniedAttemptsOptions) {
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  note(remote: string | undefined, reason: string): void {
    this.options.onDenied?.();
    const at = new Date(this.#now()).toISOString();
    let address = remote ?? 'unknown';
    if (!this.#tallies.has(address) && this.#tallies.size >= MAX_ADDRESSES) address = OTHER_ADDRESSES;
    let tally = this.#tallies.get(address);
    if (!tally) {
      tally = { attempts: 0, reasons: {}, from: at, to: at };
      this.#tallies.set(address, tally);
    }
    tally.attempts++;
    tally.reasons[reason] = (tally.reasons[reason] ?? 0) + 1;
    tally.to = at;
    if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#windowMs);
      this.#timer.unref();
    }
  }

  /** Writes what was gathered, one row per address; a row that cannot be written is dropped (the counter still has it). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = [...this.#tallies].map(([remote, t]) => ({ remote, attempts: t.attempts, reasons: t.reasons, from: t.from, to: t.to }));
    this.#tallies.clear();
    this.#writing = this.#writing.then(() => Promise.all(rows.map((row) => this.options.record(row).catch(() => {}))).then(() => {}));
    return this.#writing;
  }
}
