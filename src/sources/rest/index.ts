import { HttpClient } from '../http/http-client.js';
import type { Protocol } from '../protocol.js';
import { restDirectiveSDL } from './rest-directive.js';
import { compileRestOperation } from './rest-operation.js';


/** REST over HTTP with JSON bodies: fields annotated with `@rest`. */
export const restProtocol: Protocol<HttpClient> = {
  kind: 'REST',
  directive: 'rest',
  sdl: restDirectiveSDL,
  sourceArguments: '',
  async connect(source) {
    return new HttpClient(source);
  },
  compileOperation: compileRestOperation,
  close: (client) => client.close(),
};
