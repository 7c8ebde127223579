export { createSoapHandler, SOAP_PREFIX, type SoapOptions } from './soap-app.js';
export { soapContract, writeWsdl, type SoapContract } from './wsdl-writer.js';
export { soapServed } from './soap-served.js';
