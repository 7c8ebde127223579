/**
 * How a failure that repeats is logged: a poll or a timed check against a store that went
 * away fails every second, and a line each time would bury the log. The first failure is
 * told with its reason; the same failure again only once a minute, with how many times
 * it came; a success after failures is told once.
 */
export class RepeatedFailure {
  /** Failures since the last line told of them; 0 while it works. */
  #untold = 0;
  #inARow = 0;
  #toldMessage = '';
  #toldAt = 0;

  constructor(
    private readonly what: string,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = Date.now,
    private readonly repeatMs = 60_000,
  ) {}

  failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const now = this.now();
    this.#inARow++;
    if (this.#inARow > 1 && message === this.#toldMessage && now - this.#toldAt < this.repeatMs) {
      this.#untold++;
      return;
    }
    const again = this.#inARow > 1 ? `still failing (${this.#untold + 1} times since the last line): ` : '';
    this.warn(`${this.what}: ${again}${message}`);
    this.#toldMessage = message;
    this.#toldAt = now;
    this.#untold = 0;
  }

  succeeded(): void {
    if (this.#inARow === 0) return;
    this.warn(`${this.what}: works again, after failing ${this.#inARow} times in a row`);
    this.#inARow = 0;
    this.#untold = 0;
  }
}
