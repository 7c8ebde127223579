import { compositePath, sourcePath } from '../../../registry/documents.js';
import type { UploadedFile } from './client.js';

/** The names the registry gives a composite document in its messages. */
export function uploadedComposite(name: string, file: string): UploadedFile[] {
  return [{ stored: compositePath(name), file }];
}

/**
 * The names the registry gives a source's SDL in its messages: its registry path, or,
 * for a source with attachments (a WSDL), the SDL file it writes beside them on the
 * gateway (`…/<name>-<hash>/<name>.graphql`), which the user never sees.
 */
export function uploadedSource(name: string, file: string): UploadedFile[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const besideAttachments = new RegExp(`[^\\s:'"]*[\\\\/]${escaped}-[0-9a-f]{16}(?:[\\\\/]_\\d+)*[\\\\/]${escaped}\\.graphql`, 'g');
  return [
    { stored: sourcePath(name), file },
    { stored: besideAttachments, file },
  ];
}
