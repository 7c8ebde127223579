// Scenario 8, authentication: the pass-through query through Skein with JWT verification
// off, on with an HS256 secret, and on with RS256 keys from a JWKS server, every request
// carrying a bearer token. The cost is the gateway's CPU per request, beside the same
// query with JWT off in the same run.
import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { measure } from '../lib/load.js';
import { SCHEMA } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { ms, num, section, table } from '../lib/report.js';
import { PASS_THROUGH, startSkein } from '../lib/skein.js';
import { graphqlTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';
import { order } from '../upstreams/data.js';

const SECRET = 'bench-secret-of-at-least-thirty-two-bytes';

export async function auth(ctx) {
  const { ports, settings } = ctx;
  const connections = 20;
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  const keys = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'RS256' };
  const jwks = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise((resolve) => jwks.listen(ports.gateway + 6, '127.0.0.1', resolve));
  const sign = (alg, key) =>
    new SignJWT({ scope: 'orders:read', tenant: 'bench' }).setProtectedHeader({ alg, kid: 'bench' }).setSubject('bench').setExpirationTime('1h').sign(key);
  const variants = [
    { label: 'JWT off', env: {}, token: undefined },
    { label: 'JWT HS256 (--jwt-secret)', env: { SKEIN_JWT_SECRET: SECRET }, token: await sign('HS256', new TextEncoder().encode(SECRET)) },
    { label: 'JWT RS256 (--jwt-jwks-url)', env: { SKEIN_JWT_JWKS_URL: `http://127.0.0.1:${ports.gateway + 6}/jwks.json` }, token: await sign('RS256', keys.privateKey) },
  ];
  const rows = [];
  const raw = [];
  let offCpu;
  try {
    for (const variant of variants) {
      const gw = await startSkein({ name: `auth-${raw.length}`, mode: 'no-registry', schema: SCHEMA, port: ports.gateway, env: { ...upstreams.skeinEnv, ...variant.env } });
      try {
        const target = graphqlTarget(`Skein ${variant.label}`, gw.url, PASS_THROUGH, { data: { order: order(1) } });
        if (variant.token) target.headers = { ...target.headers, authorization: `Bearer ${variant.token}` };
        ctx.log(`auth: ${variant.label}`);
        const m = await measure(target, { connections, onMeasure: gatewayProbe(gw.child.pid, upstreams) });
        // CPU seconds per second over requests per second: CPU per request.
        const cpuUs = (m.cpuPct / 100 / m.rps) * 1e6;
        offCpu ??= cpuUs;
        raw.push({ variant: variant.label, ...m, cpuUsPerRequest: cpuUs });
        rows.push([variant.label, num(m.rps), ms(m.p50), ms(m.p99), num(m.cpuPct), num(cpuUs), `${num((100 * (cpuUs - offCpu)) / offCpu)} %`]);
      } finally {
        await gw.stop();
      }
    }
  } finally {
    await new Promise((resolve) => jwks.close(resolve));
    await upstreams.stop();
  }
  const markdown = section({
    title: '8. Authentication: JWT verification on the pass-through path',
    what: `\`${PASS_THROUGH}\` through \`skein serve --no-registry\` at ${connections} connections, each request with a bearer token when JWT is on. ${settings.duration} s measured after ${settings.warmup} s warm-up per row.`,
    baseline: 'the same gateway and query with JWT off, in the same run.',
    body: table(['variant', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU %', 'gw CPU µs/request', 'CPU vs off'], rows),
    notes: ['A verified token is remembered (at most 60 s, never past its exp), so one client repeating its token pays for the signature check once a minute.'],
  });
  return { markdown, raw };
}
