import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** One MCP session: its protocol server, its transport, and when it was last used. */
export interface McpSession {
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  /** HTTP requests of this session being served now (an open notification stream is one). */
  open: number;
  lastSeen: number;
}

/**
 * The open MCP sessions, bounded: at most `max` at once, and one that has had no request
 * for `idleMs` (and holds no open stream) is closed by `sweep`. A client that goes away
 * without DELETE so costs memory for a while, never for good.
 */
export class McpSessions {
  readonly #sessions = new Map<string, McpSession>();

  constructor(
    readonly max: number,
    readonly idleMs: number,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): McpSession | undefined {
    return this.#sessions.get(id);
  }

  add(id: string, session: McpSession): void {
    this.#sessions.set(id, session);
  }

  /** Forgets a session (its transport closed: DELETE, idle, shutdown). */
  remove(id: string): void {
    this.#sessions.delete(id);
  }

  all(): IterableIterator<McpSession> {
    return this.#sessions.values();
  }

  /** Marks a request of the session as started; the returned function marks it ended. */
  enter(session: McpSession, now = Date.now()): () => void {
    session.open++;
    session.lastSeen = now;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      session.open--;
      session.lastSeen = Date.now();
    };
  }

  /** Closes the sessions idle since before `now - idleMs`; resolves with how many. */
  async sweep(now = Date.now()): Promise<number> {
    const idle = [...this.#sessions.entries()].filter(([, s]) => s.open === 0 && now - s.lastSeen > this.idleMs);
    for (const [id] of idle) this.#sessions.delete(id);
    await Promise.all(idle.map(([, s]) => s.transport.close().catch(() => {})));
    return idle.length;
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.transport.close().catch(() => {})));
  }
}
