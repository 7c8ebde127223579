import type http from 'node:http';
import { refuseBody } from './http-server.js';

/**
 * Reads a request's body up to the limit; past it, answers 413 BODY_TOO_LARGE and returns
 * undefined. (A Content-Length over the limit was refused before a byte was read, by the
 * route.) Both doors of /graphql get their body from here, so the limit and its answer
 * are one.
 */
export function readBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        refuseBody(res, `The request body is over ${limit} bytes, the limit of this endpoint (SKEIN_MAX_BODY_BYTES)`);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks, size) : undefined));
    req.on('error', reject);
  });
}

/** The request with its body already read, as yoga takes it: whatwg-node reads a non-empty `body` instead of the stream. */
export function withBody(req: http.IncomingMessage, body: Buffer): http.IncomingMessage {
  return Object.assign(req, { body });
}
