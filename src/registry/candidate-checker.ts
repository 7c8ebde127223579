import { Worker } from 'node:worker_threads';
import { compiledFile } from '../compiled-file.js';
import type { Candidate, GraphFactoryOptions } from './candidate.js';
import { valueOf, type CheckOutcome, type CheckTask } from './check-tasks.js';
import type { CompositeHeader, SourceHeader } from './documents.js';
import { RegistryError } from './errors.js';
import type { RegistryLimits } from './limits.js';

/**
 * What the registry asks before it stores a change: read each document (its header, and
 * whether it is within the limits) and build the graph the change leads to. Errors come
 * back as they were thrown: RegistryError, SchemaError(s) with their places.
 */
export interface CandidateChecker {
  readSource(sdl: string, file: string): Promise<SourceHeader>;
  readComposite(text: string, file: string): Promise<CompositeHeader>;
  /** Throws what building the candidate's graph throws. */
  check(candidate: Candidate): Promise<void>;
  /** Builds the checking thread has started and not finished. */
  readonly checksInProgress: number;
  close(): Promise<void>;
}

/**
 * Runs every check in one worker thread (check-worker.ts), so a change that takes seconds
 * to check (a composite of thousands of steps, a source of a million fields) never holds
 * up the requests the gateway serves meanwhile. The thread starts with the first check;
 * its heap is capped (`checkMemoryMb`): a check that runs out of it is refused with
 * CHECK_FAILED, and the next check starts a new thread.
 */
export class ThreadChecker implements CandidateChecker {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, { resolve: (outcome: CheckOutcome) => void; reject: (error: Error) => void; started: boolean }>();
  #next = 0;
  #inProgress = 0;

  constructor(
    private readonly graphOptions: GraphFactoryOptions,
    private readonly limits: RegistryLimits,
  ) {}

  get checksInProgress(): number {
    return this.#inProgress;
  }

  async readSource(sdl: string, file: string): Promise<SourceHeader> {
    return (await this.#run({ kind: 'source', sdl, file })) as SourceHeader;
  }

  async readComposite(text: string, file: string): Promise<CompositeHeader> {
    return (await this.#run({ kind: 'composite', text, file })) as CompositeHeader;
  }

  async check(candidate: Candidate): Promise<void> {
    await this.#run({ kind: 'build', candidate });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  async #run(task: CheckTask): Promise<unknown> {
    const worker = this.#worker ?? this.#start();
    const id = this.#next++;
    const outcome = await new Promise<CheckOutcome>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, started: false });
      // The thread keeps the process alive only while it has work.
      worker.ref();
      worker.postMessage({ id, task });
    });
    return valueOf(outcome);
  }

  #start(): Worker {
    // Only plain data crosses to the thread: `warn` stays here (a check does not warn; serving does).
    const { attachmentsDir, urls, env, onSourceError } = this.graphOptions;
    const worker = new Worker(compiledFile(import.meta.url, './check-worker.js', "the registry's checking thread"), {
      workerData: { graphOptions: { attachmentsDir, urls, env, onSourceError }, limits: this.limits },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.checkMemoryMb },
    });
    worker.unref();
    worker.on('message', (message: { id: number; started?: true; outcome?: CheckOutcome }) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      if (message.started) {
        pending.started = true;
        this.#inProgress++;
        return;
      }
      this.#settle(message.id);
      pending.resolve(message.outcome!);
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const id of [...this.#pending.keys()]) {
        const pending = this.#settle(id);
        pending.reject(
          new RegistryError(
            'CHECK_FAILED',
            `the change could not be checked, so nothing was stored: the checking thread ${describe(error)}`,
          ),
        );
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(id: number) {
    const pending = this.#pending.get(id)!;
    this.#pending.delete(id);
    if (pending.started) this.#inProgress--;
    if (this.#pending.size === 0) this.#worker?.unref();
    return pending;
  }
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'ran out of memory (SKEIN_CHECK_MEMORY_MB); the document is too large to serve';
  return `failed: ${error.message}`;
}

