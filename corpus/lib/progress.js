// A progress bar on stderr: redrawn in place on a terminal, a plain line every `every`
// documents (and at the end) otherwise, so CI logs stay short.
export class Progress {
  constructor(total, { every = 100, stream = process.stderr, label = 'documents' } = {}) {
    this.total = total;
    this.label = label;
    this.done = 0;
    this.failed = 0;
    this.every = every;
    this.stream = stream;
    this.tty = stream.isTTY === true;
    this.started = performance.now();
  }

  tick(ok, name) {
    this.done += 1;
    if (!ok) this.failed += 1;
    if (this.tty) this.#draw(name);
    else if (this.done % this.every === 0 || this.done === this.total) this.stream.write(`${this.#line()}\n`);
  }

  end() {
    if (this.tty) this.stream.write('\n');
  }

  #line() {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(0);
    return `${this.done}/${this.total} ${this.label}, ${this.failed} failed, ${seconds} s`;
  }

  #draw(name) {
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const columns = this.stream.columns || 100;
    const text = `\r[${bar}] ${this.#line()}  ${name}`;
    this.stream.write(`${text.slice(0, columns - 1)}\x1b[K`);
  }
}
