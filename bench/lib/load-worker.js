// The load generator, run as its own process by lib/load.js so that its CPU is not the
// gateway's: autocannon, with two additions.
//  - Latency percentiles from every response's own duration (autocannon measures it with
//    process.hrtime), not from autocannon's histogram, which keeps whole milliseconds.
//  - Every response body is compared with the expected one (autocannon's expectBody);
//    a different body counts as a mismatch, and the caller fails the bench on any.
//
// argv[2]: JSON { url, method, headers, body, expectBody, connections, duration }
// stdout:  JSON { requests, rps, durationS, p50, p90, p99, max, mean, errors, timeouts, non2xx, mismatches, firstMismatch }
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2]);
const latencies = [];
let firstMismatch;

const instance = autocannon(
  {
    url: o.url,
    method: o.method ?? 'GET',
    headers: o.headers ?? {},
    body: o.body,
    connections: o.connections,
    duration: o.duration,
    expectBody: o.expectBody,
    timeout: 10,
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    latencies.sort((a, b) => a - b);
    const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null);
    const sum = latencies.reduce((s, v) => s + v, 0);
    const durationS = result.duration;
    process.stdout.write(
      JSON.stringify({
        requests: latencies.length,
        rps: latencies.length / durationS,
        durationS,
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: latencies.at(-1) ?? null,
        mean: latencies.length ? sum / latencies.length : null,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        mismatches: result.mismatches,
        firstMismatch,
      }),
    );
  },
);
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
});
instance.on('reqMismatch', (body) => {
  firstMismatch ??= String(body).slice(0, 500);
});
