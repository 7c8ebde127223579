// A node:http server built from an OpenAPI document: each request is routed to the
// operation it calls and validated against it by openapi-backend (path, query, headers and
// body, with ajv), and answered with data sampled from the response schema by
// openapi-sampler. Every request is recorded with what the validator found.
import http from 'node:http';
import { OpenAPIRouter, OpenAPIValidator } from 'openapi-backend';
import addFormats from 'ajv-formats';
import OpenAPISampler from 'openapi-sampler';
import { successStatus, jsonMedia } from './media.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/**
 * Starts the mock on 127.0.0.1:0. `basePath` is the path of the source URL (the router
 * strips it); `document` is the document with its $refs (for the sampler), `dereferenced`
 * the same resolved (for the router and validator).
 */
export async function startMockServer({ document, dereferenced, basePath }) {
  const definition = withOperationIds(dereferenced);
  const router = new OpenAPIRouter({ definition, apiRoot: basePath || '/' });
  const ajvOpts = { strict: false, logger: false, allErrors: true };
  // Form fields arrive as text, so a form body is validated with ajv's type coercion; a
  // JSON body is not: a number sent as "5" is a wrong request.
  const validator = new OpenAPIValidator({ definition, router, lazyCompileValidators: true, ajvOpts, customizeAjv: withFormats });
  const formValidator = new OpenAPIValidator({
    definition,
    router,
    lazyCompileValidators: true,
    ajvOpts: { ...ajvOpts, coerceTypes: 'array' },
    customizeAjv: withFormats,
  });
  const responses = new Map();
  const requests = [];

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = handle(req, body);
      res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });

  function handle(req, rawBody) {
    const [pathname, search = ''] = req.url.split(/\?(.*)/s);
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const form = contentType === 'application/x-www-form-urlencoded';
    const request = {
      method: req.method,
      path: pathname,
      query: flatQuery(search),
      headers: req.headers,
      body: form ? Object.fromEntries(new URLSearchParams(rawBody)) : rawBody === '' ? undefined : rawBody,
    };
    const record = { method: req.method, url: req.url, headers: req.headers, bodyLength: rawBody.length, operation: undefined, problems: [] };
    requests.push(record);
    const operation = routeOf(request);
    if (!operation) {
      record.problems.push(`no operation of the document answers ${req.method} ${pathname}`);
      return { status: 404, body: { message: 'no such operation' } };
    }
    record.operation = operation.operationId;
    // The query is read flat, as OpenAPI's form style reads it (`a[b]=1` is a parameter
    // named `a[b]`, as Magento declares them), unless the operation has a deepObject
    // parameter: then openapi-backend reads the text with qs, which nests `a[b]=1`.
    if (operation.parameters.some((p) => p?.in === 'query' && p.style === 'deepObject')) request.query = search;
    // Path parameters are read against the key's path part (`/{Queue}/#Action=X` → `/{Queue}/`).
    const pathPart = operation.path.split(/[?#]/)[0].replace(/(.)\/+$/, '$1') || '/';
    const parsedAs = pathPart === operation.path ? operation : { ...operation, path: pathPart };
    try {
      const result = (form ? formValidator : validator).validateRequest(request, parsedAs);
      for (const error of result.errors ?? []) record.problems.push(describeError(error));
    } catch (error) {
      record.unvalidated = `the validator cannot compile the operation's schemas: ${error.message}`;
    }
    return respond(operation);
  }

  let expected;
  /**
   * The operation a request calls. A path key with a query or fragment (`/search?q={q}`,
   * AWS's `/#X-Amz-Target=…`) is not a path a router can match; a request for the operation
   * the harness is calling counts as that operation when its path matches the key's part
   * before `?` or `#`.
   */
  function routeOf(request) {
    const routed = router.matchOperation(request);
    if (!expected || (routed && routed.operationId === expected.operationId)) return routed;
    const pathPart = expected.path.split(/[?#]/)[0];
    if (pathPart === expected.path) return routed;
    const pattern = new RegExp(`^${escapeRegExp(basePath + pathPart).replace(/\\\{[^}]*\\\}/g, '[^/]+')}/?$`);
    return pattern.test(request.path) ? expected : routed;
  }

  function respond(operation) {
    const key = operation.operationId;
    if (!responses.has(key)) responses.set(key, sampleResponse(operation, document, validator));
    const sampled = responses.get(key);
    return { status: sampled.status, body: sampled.body };
  }

  // Whether a generated argument value satisfies its schema: the sampler cannot meet every
  // pattern (lookaheads, non-capturing groups), and a value it got wrong is not Skein's.
  const ajv = validator.getAjv('paramsValidator');
  const compiled = new WeakMap();
  function satisfies(schema, value) {
    if (!schema || typeof schema !== 'object') return true;
    try {
      if (!compiled.has(schema)) compiled.set(schema, OpenAPIValidator.compileSchema(ajv, schema));
      const validate = compiled.get(schema);
      return validate(value) ? true : (validate.errors ?? []).map(describeError).join('; ');
    } catch (error) {
      return `the validator cannot compile it: ${error.message}`;
    }
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    /** Requests since the last call, each { method, url, operation, problems }. */
    takeRequests: () => requests.splice(0),
    /** true, or why `value` does not satisfy `schema` (dereferenced). */
    satisfies,
    /** The operation ("GET /pets/{id}") the next requests are meant for. */
    expect(operationKey) {
      expected = router.getOperation(operationKey);
    },
    /** The answer the mock gives to an operation ("GET /pets/{id}"): { status, body, problem? }. */
    answerOf(operationKey) {
      const operation = router.getOperation(operationKey);
      if (!operation) return { status: 404, body: undefined, problem: `the mock has no operation ${operationKey}` };
      respond(operation);
      return responses.get(operationKey);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function flatQuery(search) {
  const query = {};
  for (const [name, value] of new URLSearchParams(search)) {
    if (!(name in query)) query[name] = value;
    else query[name] = [].concat(query[name], value);
  }
  return query;
}

function withFormats(ajv) {
  addFormats.default(ajv);
  return ajv;
}

/**
 * The answer Skein reads: the response it imports (the lowest 2xx, then 2XX, then default)
 * with a body sampled from its JSON schema, checked against that schema. A sample the
 * schema refuses (contradictory keywords, a pattern the sampler cannot meet) is recorded as
 * `problem`: the mock cannot represent the answer, which is not Skein's failure.
 */
function sampleResponse(operation, document, validator) {
  const statusKey = successStatus(Object.keys(operation.responses ?? {}));
  const status = /^\d\d\d$/.test(statusKey ?? '') ? Number(statusKey) : 200;
  const response = statusKey && operation.responses[statusKey];
  const media = response?.content ? jsonMedia(response.content) : undefined;
  if (!media || !response.content[media].schema || operation.method === 'head') return { status: status === 204 ? 204 : status, body: undefined };
  const schema = originalSchema(document, operation, statusKey, media);
  let body;
  try {
    body = OpenAPISampler.sample(schema, { skipWriteOnly: true, enablePatterns: true, quiet: true }, document);
  } catch (error) {
    return { status, body: undefined, problem: `the sampler cannot sample the answer: ${error.message}` };
  }
  // What the mock sends, not what it holds: the sampler leaves `undefined` where it cut
  // recursion, which JSON drops.
  body = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  if (status === 204) return { status: 200, body };
  let check;
  try {
    check = validator.validateResponse(body, operation, status);
  } catch (error) {
    return { status, body, problem: `the validator cannot compile the answer's schema: ${error.message}` };
  }
  const problem = check.valid ? undefined : `the sampled answer does not match its own schema: ${(check.errors ?? []).slice(0, 3).map(describeError).join('; ')}`;
  return { status, body, problem };
}

/** The response schema with its $refs, so the sampler names recursion instead of looping. */
function originalSchema(document, operation, statusKey, media) {
  const item = document.paths?.[operation.path];
  return item?.[operation.method]?.responses?.[statusKey]?.content?.[media]?.schema ?? operation.responses[statusKey].content[media].schema;
}

/**
 * OpenAPI: a header parameter named Accept, Content-Type or Authorization "SHALL be
 * ignored" (the media types and security schemes say those); openapi-backend checks them.
 */
function withoutIgnoredHeaders(parameters) {
  const ignored = new Set(['accept', 'content-type', 'authorization']);
  return parameters?.filter((p) => !(p?.in === 'header' && ignored.has(String(p.name).toLowerCase())));
}

/**
 * A path key with a query part (`/latest?term={term}`) declares its placeholders as path
 * parameters, but they travel in the query, under the name before `=`: the validator is
 * told so (the parameters are copied, the document is not changed).
 */
function queryPartParameters(path, parameters, shared) {
  const queryPart = path.split('?')[1];
  if (!queryPart) return parameters;
  parameters = parameters ?? [];
  const names = new Map();
  for (const pair of queryPart.split('&')) {
    const match = /^([^=]+)=\{([^}]+)\}$/.exec(pair);
    if (match) names.set(match[2], match[1]);
  }
  const moved = parameters.map((parameter) =>
    parameter?.in === 'path' && names.has(parameter.name) ? { ...parameter, in: 'query', name: names.get(parameter.name) } : parameter,
  );
  // A placeholder nothing declares is a string, as Skein's importer reads it (added to the
  // operation's parameters, not to the path item's shared ones).
  if (!shared) return moved;
  for (const [placeholder, name] of names) {
    if (![...parameters, ...shared].some((p) => p?.name === placeholder)) moved.push({ name, in: 'query', required: true, schema: { type: 'string' } });
  }
  return moved;
}

function describeError(error) {
  const where = error.instancePath || '/';
  const params = error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : '';
  return `${where} ${error.message ?? error.keyword}${params}`;
}

/**
 * openapi-backend validates only operations with an operationId; operations without one
 * get "METHOD /path" (the name is only used inside the mock).
 */
function withOperationIds(definition) {
  const paths = {};
  for (const [path, item] of Object.entries(definition.paths ?? {})) {
    if (!path.startsWith('/') || !item || typeof item !== 'object') continue;
    const copy = { ...item, parameters: queryPartParameters(path, withoutIgnoredHeaders(item.parameters), undefined) };
    for (const method of METHODS) {
      if (copy[method]) {
        const parameters = queryPartParameters(path, withoutIgnoredHeaders(copy[method].parameters), item.parameters ?? []);
        copy[method] = { ...copy[method], parameters, operationId: `${method.toUpperCase()} ${path}` };
      }
    }
    // The router drops a request's trailing slash, so the document's must go too (methods
    // of `/a/` and `/a` share one entry; the first document entry keeps a method both have).
    const key = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
    paths[key] = paths[key] ? { ...copy, ...paths[key] } : copy;
  }
  return { ...definition, paths };
}
