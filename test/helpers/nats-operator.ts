import { createHash } from 'node:crypto';
import { nkeys } from 'nats';

type KeyPair = ReturnType<typeof nkeys.createOperator>;

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

/**
 * A NATS operator of the test's own (decentralized auth, as `nsc` sets it up): an operator,
 * a system account and one account with JetStream, their JWTs signed with NKeys, for a
 * nats-server that admits users only by credentials files. `userCreds()` writes the file
 * `nsc` would for a new user of the account; `strangerCreds()` one for a user of an account
 * the server does not know.
 */
export class NatsOperator {
  readonly #operator = nkeys.createOperator();
  readonly #system = nkeys.createAccount();
  readonly #account = nkeys.createAccount();

  /** The server configuration lines that trust this operator and know its two accounts. */
  serverConfig(): string {
    const operator = signedJwt({ sub: this.#operator.getPublicKey(), name: 'skein-test', nats: { type: 'operator', version: 2, system_account: this.#system.getPublicKey() } }, this.#operator);
    const system = signedJwt({ sub: this.#system.getPublicKey(), name: 'SYS', nats: { type: 'account', version: 2, limits: UNLIMITED } }, this.#operator);
    const account = signedJwt(
      { sub: this.#account.getPublicKey(), name: 'APP', nats: { type: 'account', version: 2, limits: { ...UNLIMITED, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 } } },
      this.#operator,
    );
    return [
      `operator: ${operator}`,
      `system_account: ${this.#system.getPublicKey()}`,
      'resolver: MEMORY',
      `resolver_preload: { ${this.#account.getPublicKey()}: ${account}, ${this.#system.getPublicKey()}: ${system} }`,
    ].join('\n');
  }

  userCreds(): string {
    return credsFor(this.#account);
  }

  strangerCreds(): string {
    return credsFor(nkeys.createAccount());
  }
}

function credsFor(account: KeyPair): string {
  const user = nkeys.createUser();
  const token = signedJwt({ sub: user.getPublicKey(), name: 'skein', nats: { type: 'user', version: 2, pub: {}, sub: {}, subs: -1, data: -1, payload: -1 } }, account);
  const seed = new TextDecoder().decode(user.getSeed());
  return `-----BEGIN NATS USER JWT-----\n${token}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
}

/** A NATS JWT: header, claims (issued now by `signer`, with their hash as jti), Ed25519 signature by the NKey. */
function signedJwt(claims: Record<string, unknown>, signer: KeyPair): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body: Record<string, unknown> = { ...claims, iat: Math.floor(Date.now() / 1000), iss: signer.getPublicKey() };
  body.jti = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
  const unsigned = `${encode({ typ: 'JWT', alg: 'ed25519-nkey' })}.${encode(body)}`;
  return `${unsigned}.${Buffer.from(signer.sign(new TextEncoder().encode(unsigned))).toString('base64url')}`;
}
