import cronParser from 'cron-parser';
import { stableUuid, type JobEngine } from './job-engine.js';
import { RepeatedFailure } from './repeated-failure.js';

/** What the scheduler reads the time from: `Date.now` in production, a manual clock in tests. */
export interface SchedulerClock {
  now(): number;
}

export interface ScheduledJob {
  readonly name: string;
  readonly cron: string;
  readonly timeZone: string;
}

/**
 * Fires scheduled sync jobs. Every gateway of a cluster runs one, and each tick of a job
 * is sent to the job engine with an id made of the job and the tick's time: the first
 * gateway's send queues it, the others' are dropped, so a tick runs once across the
 * cluster, whichever gateways are up. A tick missed while no gateway ran is not made up.
 */
export class CronScheduler {
  readonly #last = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  readonly #failures: RepeatedFailure;

  constructor(
    private readonly engine: JobEngine,
    private readonly jobs: () => Promise<readonly ScheduledJob[]>,
    private readonly clock: SchedulerClock = { now: () => Date.now() },
    warn: (message: string) => void = () => {},
  ) {
    this.#failures = new RepeatedFailure('sync scheduler', warn, () => this.clock.now());
  }

  /** Checks every second (real clock); tests call `tick()` after moving their clock instead. */
  start(intervalMs = 1000): void {
    this.#timer = setInterval(() => void this.check(), intervalMs);
    this.#timer.unref();
  }

  /** One timed check: `tick()`, a failure that repeats told once (`RepeatedFailure`), not every second. */
  async check(): Promise<void> {
    try {
      await this.tick();
    } catch (error) {
      return this.#failures.failed(error);
    }
    this.#failures.succeeded();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Sends the ticks due since the last check; the number this gateway queued (0 when another gateway was first). */
  async tick(): Promise<number> {
    const now = this.clock.now();
    let sent = 0;
    for (const job of await this.jobs()) {
      const key = `${job.name}|${job.cron}|${job.timeZone}`;
      const due = previousFire(job, now);
      const last = this.#last.get(key);
      this.#last.set(key, due);
      // The first look at a job only notes where its schedule is: ticks before this gateway started are not made up.
      if (last === undefined || due <= last) continue;
      const tick = new Date(due).toISOString();
      if (await this.engine.send({ job: job.name, trigger: `schedule ${tick}` }, { id: stableUuid(`${job.name}@${tick}`) })) sent++;
    }
    return sent;
  }

  /** Starts following a job's schedule from `now` (a job just published). */
  note(job: ScheduledJob): void {
    this.#last.set(`${job.name}|${job.cron}|${job.timeZone}`, previousFire(job, this.clock.now()));
  }
}

/** The latest time at or before `now` the cron fires, in its time zone. */
function previousFire(job: ScheduledJob, now: number): number {
  const interval = cronParser.parseExpression(job.cron, { tz: job.timeZone, currentDate: new Date(now + 1) });
  return interval.prev().getTime();
}
