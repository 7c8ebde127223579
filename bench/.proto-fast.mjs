import http from 'node:http';
import { parse, validate, execute, specifiedRules } from 'graphql';
import { buildGraph } from '../dist/graph/index.js';
import { loadSchemaFolder } from '../dist/schema/index.js';
const graph = await buildGraph(loadSchemaFolder('bench/schema'), { onSourceError: 'degrade' });
const cache = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    let doc = cache.get(body.query);
    if (!doc) { doc = parse(body.query); const errs = validate(graph.schema, doc, specifiedRules); if (errs.length) throw errs[0]; cache.set(body.query, doc); }
    const headers = req.headers;
    const context = { request: { headers: { get: (n) => headers[n] ?? null } } };
    const result = await execute({ schema: graph.schema, document: doc, variableValues: body.variables, operationName: body.operationName, contextValue: context });
    const text = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65000;
server.listen(4700, '127.0.0.1');
