import http from 'node:http';
import { buildGraph } from '../dist/graph/index.js';
import { loadSchemaFolder } from '../dist/schema/index.js';
import { createYoga } from 'graphql-yoga';
import { useEngine } from '@envelop/core';
import * as GraphQLJS from 'graphql';
const graph = await buildGraph(loadSchemaFolder('bench/schema'), { onSourceError: 'degrade' });
const yoga = createYoga({ schema: graph.schema, logging: false, plugins: process.env.ENGINE === 'js' ? [useEngine({ execute: GraphQLJS.execute })] : [] });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const params = JSON.parse(Buffer.concat(chunks).toString());
    const headers = req.headers;
    const request = { headers: { get: (n) => headers[n] ?? null }, method: 'POST' };
    const { parse, validate, contextFactory, execute, schema } = yoga.getEnveloped({ request, params });
    const document = parse(params.query);
    const errors = validate(schema, document);
    if (errors.length) throw errors[0];
    const contextValue = await contextFactory();
    const result = await execute({ schema, document, variableValues: params.variables, operationName: params.operationName, contextValue });
    const text = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65000;
server.listen(4700, '127.0.0.1');
