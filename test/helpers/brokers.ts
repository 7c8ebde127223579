import { spawn, type ChildProcess } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import type { NatsOperator } from './nats-operator.js';

/** The brokers every machine of the project runs (.ci/run starts them). */
export const SHARED_NATS_URL = process.env.SKEIN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const SHARED_MQTT_URL = process.env.SKEIN_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A suffix that keeps one test's subjects, streams and consumers apart from every other's. */
export function uniqueSuffix(): string {
  return `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes JetStream streams on the shared server (test clean-up). */
export async function deleteStreams(url: string, ...streams: string[]): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await connection.jetstreamManager();
    for (const stream of streams) await manager.streams.delete(stream).catch(() => undefined);
  } finally {
    await connection.close();
  }
}

/** A free TCP port on loopback (for a broker the test starts itself; it cannot take port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A broker process of the test's own (nats-server with JetStream, or mosquitto) on a fixed
 * port, which it can stop and start again to play a broker restarting mid-run. The JetStream
 * store stays between restarts, as on a real server.
 */
/** Who may connect to an OwnBroker: anyone (by default), one user with a password, or (NATS) a token. */
export type BrokerAuth = { readonly user: string; readonly password: string } | { readonly token: string } | { readonly operator: NatsOperator };

export class OwnBroker {
  #process: ChildProcess | undefined;
  readonly #dir = mkdtempSync(path.join(os.tmpdir(), 'skein-broker-'));

  private constructor(
    readonly kind: 'NATS' | 'MQTT',
    readonly port: number,
    /** Who may connect from the next start() on (a test may change it between a stop and a start). */
    public auth: BrokerAuth | undefined,
  ) {}

  /** `mqttAcl`: the lines of a mosquitto ACL file (`topic readwrite ok/#`), for a broker that refuses some topics. */
  static async create(kind: 'NATS' | 'MQTT', auth?: BrokerAuth, options: { mqttAcl?: string } = {}): Promise<OwnBroker> {
    if (kind === 'MQTT' && auth && !('user' in auth)) throw new Error('MQTT has no tokens nor operators; give a user and a password');
    const broker = new OwnBroker(kind, await freePort(), auth);
    broker.#mqttAcl = options.mqttAcl;
    return broker;
  }

  #mqttAcl: string | undefined;

  get url(): string {
    return `${this.kind === 'NATS' ? 'nats' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.kind === 'NATS' && this.auth && 'operator' in this.auth) {
      // Credentials files only: the operator's accounts, in a configuration file (they do not fit flags).
      const config = path.join(this.#dir, 'nats.conf');
      writeFileSync(config, `listen: 127.0.0.1:${this.port}\njetstream { store_dir: ${JSON.stringify(path.join(this.#dir, 'js'))} }\n${this.auth.operator.serverConfig()}\n`);
      this.#process = spawn('nats-server', ['-c', config], { stdio: 'ignore' });
    } else if (this.kind === 'NATS') {
      const auth = !this.auth ? [] : 'token' in this.auth ? ['--auth', this.auth.token] : 'user' in this.auth ? ['--user', this.auth.user, '--pass', this.auth.password] : [];
      this.#process = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', path.join(this.#dir, 'js'), ...auth], { stdio: 'ignore' });
    } else {
      const config = path.join(this.#dir, 'mosquitto.conf');
      let access = 'allow_anonymous true\n';
      if (this.auth && 'user' in this.auth) {
        const passwords = path.join(this.#dir, 'passwords');
        writeFileSync(passwords, mosquittoPasswordLine(this.auth.user, this.auth.password), { mode: 0o600 });
        // Run as whoever runs the test: mosquitto started as root would drop to its own user, who cannot read the test's private folder.
        access = `user ${os.userInfo().username}\nallow_anonymous false\npassword_file ${passwords}\n`;
      }
      if (this.#mqttAcl !== undefined) {
        const acl = path.join(this.#dir, 'acl');
        writeFileSync(acl, `${this.#mqttAcl}\n`);
        access += `${access.startsWith('user ') ? '' : `user ${os.userInfo().username}\n`}acl_file ${acl}\n`;
      }
      writeFileSync(config, `listener ${this.port} 127.0.0.1\n${access}persistence false\n`);
      this.#process = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
    }
    await waitForPort(this.port);
  }

  /** Kills the process (SIGKILL: no goodbye to its clients) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * One line of a mosquitto password file, made as mosquitto_passwd makes it (which a machine
 * may lack): `user:$7$<iterations>$<salt>$<hash>`, PBKDF2-SHA512 over the password.
 */
function mosquittoPasswordLine(user: string, password: string): string {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, 101, 64, 'sha512');
  return `${user}:$7$101$${salt.toString('base64')}$${hash.toString('base64')}\n`;
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the broker did not open port ${port}`);
}

/** Waits until `condition` holds, polling; no upper bound other than the test's timeout. */
export async function until(condition: () => boolean | Promise<boolean>, ms = 50): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, ms));
}
