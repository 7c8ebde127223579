import type { Protocol } from '../protocol.js';
import { soapScalars } from './scalars.js';
import { connectSoapSource, type SoapClient } from './soap-client.js';
import { soapDirectiveSDL, soapSourceArguments } from './soap-directive.js';
import { compileSoapOperation } from './soap-operation.js';

/** SOAP 1.1 and 1.2 WebServices described by a WSDL: fields annotated with `@soap`. */
export const soapProtocol: Protocol<SoapClient> = {
  kind: 'SOAP',
  directive: 'soap',
  sdl: soapDirectiveSDL,
  sourceArguments: soapSourceArguments,
  scalars: soapScalars,
  connect: connectSoapSource,
  compileOperation: compileSoapOperation,
  close: (client) => client.http.close(),
};

export type { SoapClient } from './soap-client.js';
