import { createHash, randomBytes } from 'node:crypto';
import type { WsSecurityOptions } from './source-options.js';
import { NS } from './wsdl/namespaces.js';
import { escapeText } from './xml/xml-text.js';

const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const TIMESTAMP_LIFETIME_MS = 5 * 60_000;

/**
 * The WS-Security `UsernameToken` header (OASIS Username Token Profile 1.0). A plain
 * text password without a timestamp is the same on every call and is built once; a
 * digest or a timestamp needs a fresh nonce and time per call.
 */
export function securityHeader(options: WsSecurityOptions, envelopePrefix: string): () => string {
  const open =
    `<wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}" ${envelopePrefix}:mustUnderstand="1">`;
  const username = `<wsse:Username>${escapeText(options.username)}</wsse:Username>`;
  const close = '</wsse:Security>';
  if (options.passwordType === 'TEXT' && !options.timestamp) {
    const fixed = `${open}<wsse:UsernameToken>${username}<wsse:Password Type="${PASSWORD_TEXT}">${escapeText(options.password)}</wsse:Password></wsse:UsernameToken>${close}`;
    return () => fixed;
  }
  return () => {
    const now = new Date();
    const created = now.toISOString();
    let token: string;
    if (options.passwordType === 'DIGEST') {
      const nonce = randomBytes(16);
      const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created + options.password, 'utf8')])).digest('base64');
      token =
        `<wsse:UsernameToken>${username}<wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password>` +
        `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken>`;
    } else {
      token = `<wsse:UsernameToken>${username}<wsse:Password Type="${PASSWORD_TEXT}">${escapeText(options.password)}</wsse:Password></wsse:UsernameToken>`;
    }
    const timestamp = options.timestamp
      ? `<wsu:Timestamp><wsu:Created>${created}</wsu:Created><wsu:Expires>${new Date(now.getTime() + TIMESTAMP_LIFETIME_MS).toISOString()}</wsu:Expires></wsu:Timestamp>`
      : '';
    return `${open}${timestamp}${token}${close}`;
  };
}
