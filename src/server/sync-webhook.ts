import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { envRefusal, isGatewaySecret } from '../sources/index.js';
import { GivenChangesError, type SyncService } from '../sync/index.js';
import { SchemaError } from '../errors/schema-error.js';
import { parseJsonText } from '../errors/json-text.js';
import type { Logger } from '../observe/index.js';
import { RegistryError } from '../registry/index.js';
import type { RouteHandler } from './http-server.js';
import { readBody } from './read-body.js';

export const SYNC_WEBHOOK_PREFIX = '/sync/';

/** What an `Idempotency-Key` may be: visible ASCII, as header values and keys in logs stay readable. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** How far a signed timestamp may be from now, in seconds: an old request cannot be replayed. */
const TOLERANCE_SECONDS = 300;

/**
 * `POST /sync/<name>/webhook`: a source system sends Skein the records that changed, and
 * a run of the job applies exactly those. The body is JSON (README: Sync jobs):
 *
 *     { "records": [ {…}, … ], "deleted": [ "<key>", … ] }   (one record object, or a bare array of records, also do)
 *
 * each record in the shape the job's read operation returns, mapped by the job's selection
 * and written by key; each deleted key deleted (a job with a delete call only). An empty
 * body or `{}` is a change notification: a run that reads the source is queued (one: while
 * such a run waits, more calls join it). The body is signed with the job's secret
 * (`webhook: { secretEnv }`):
 *
 *     X-Skein-Timestamp: <unix seconds>
 *     X-Skein-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">
 *
 * A sender that retries (a timeout, a 5xx on its side) sends the same `Idempotency-Key`
 * header with each try: changes sent with one key are one run (the first call's), however
 * often they come and to whichever gateway of a cluster.
 *
 * 202 with the run's id (follow it with the admin API's `syncRun(id:)`); 400 BAD_CHANGES for
 * a body that is not JSON (with line and column) or not of that shape (with the record's
 * index); 422 DELETE_NOT_SUPPORTED for deleted keys of a job without a delete call; 401 for
 * a missing, wrong or stale signature; 404 for a job without a webhook; 409 for a job that
 * is not published.
 */
export function createSyncWebhookHandler(sync: () => SyncService | undefined, maxBodyBytes: number, logger: Logger): RouteHandler {
  return async (req, res) => {
    const match = /^\/sync\/([^/?]+)\/webhook(?:\?.*)?$/.exec(req.url ?? '');
    if (!match) return answer(res, 404, { error: 'NOT_FOUND', message: 'webhooks are at POST /sync/<job>/webhook' });
    if (req.method !== 'POST') return answer(res, 405, { error: 'METHOD_NOT_ALLOWED', message: 'a webhook is called with POST' }, { allow: 'POST' });
    const service = sync();
    const name = decodeURIComponent(match[1]);
    const job = service && (await service.store.job(name));
    const webhook = job && service.webhookOf(job);
    if (!service || !job || !webhook) return answer(res, 404, { error: 'NOT_FOUND', message: `no sync job "${name}" with a webhook (@sync(webhook: { secretEnv: "…" }))` });
    const body = await readBody(req, res, maxBodyBytes);
    if (!body) return;
    // SKEIN_SYNC_* may be read, and what SKEIN_ENV_ALLOW lists; never the gateway's own secrets.
    const allowed = !isGatewaySecret(webhook.secretEnv) && (webhook.secretEnv.startsWith('SKEIN_SYNC_') || !envRefusal(webhook.secretEnv));
    const secret = allowed ? process.env[webhook.secretEnv] : undefined;
    if (!secret) {
      // The operator's setting is missing; say so in the log, not to the caller.
      logger.error({ job: name, variable: webhook.secretEnv }, `the webhook of sync job ${name} has no secret: set ${webhook.secretEnv} (a SKEIN_SYNC_* variable, or one SKEIN_ENV_ALLOW lists)`);
      return answer(res, 503, { error: 'WEBHOOK_NOT_CONFIGURED', message: `the webhook of ${name} has no secret configured on this gateway` });
    }
    const problem = signatureProblem(req, body, secret);
    if (problem) return answer(res, 401, { error: 'BAD_SIGNATURE', message: problem });
    const idempotencyKey = header(req, 'idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return answer(res, 400, { error: 'BAD_IDEMPOTENCY_KEY', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, say)' });
    }
    if (job.state !== 'published') return answer(res, 409, { error: 'NOT_PUBLISHED', message: `sync job ${name} is ${job.state}; it runs when published` });
    const text = body.toString('utf8');
    let changes: unknown;
    try {
      changes = text.trim() === '' ? undefined : parseJsonText(text, 'body');
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      const at = error.location ? ` at line ${error.location.line}, column ${error.location.column}` : '';
      return answer(res, 400, { error: 'BAD_CHANGES', message: `the body is ${error.message.replace(/^not valid JSON/, `not valid JSON${at}`)}` });
    }
    try {
      const { run, given } = await service.receive(name, 'webhook', changes, idempotencyKey && `webhook:${idempotencyKey}`);
      logger.info(
        { job: name, run: run.id, records: given?.records.length, deleted: given?.deleted.length },
        given ? `sync job ${name}: run ${run.id} queued for ${given.records.length} record(s) and ${given.deleted.length} deletion(s) sent to its webhook` : `sync job ${name}: run ${run.id} queued by its webhook`,
      );
      answer(res, 202, { runId: run.id, state: run.state, ...(given ? { records: given.records.length, deleted: given.deleted.length } : {}) });
    } catch (error) {
      if (error instanceof GivenChangesError) return answer(res, error.status, { error: error.code, message: error.message });
      if (error instanceof RegistryError && error.code === 'INVALID_TRANSITION') return answer(res, 409, { error: 'NOT_PUBLISHED', message: error.message });
      throw error;
    }
  };
}

/** Why the signature does not hold, or undefined when it does. */
function signatureProblem(req: http.IncomingMessage, body: Buffer, secret: string): string | undefined {
  const timestamp = header(req, 'x-skein-timestamp');
  const signature = header(req, 'x-skein-signature');
  if (!timestamp || !signature) return 'sign the request: X-Skein-Timestamp (unix seconds) and X-Skein-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">';
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(Date.now() / 1000 - seconds) > TOLERANCE_SECONDS) {
    return `X-Skein-Timestamp must be the current unix time in seconds (within ${TOLERANCE_SECONDS} s), not "${timestamp}"`;
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  const given = Buffer.from(signature.replace(/^sha256=/, ''), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'X-Skein-Signature does not match the body and timestamp';
  return undefined;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
