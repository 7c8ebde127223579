import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';
import { describe } from './lifecycle.js';

/** `skein save <file…>`: composite documents as new versions (drafts until published). */
export function registerSave(program: Command): void {
  withConnection(
    program
      .command('save')
      .description('Save composite documents to a running gateway as their next versions; a new composite starts as a draft.')
      .argument('<files...>', 'composite documents (.graphql)')
      .option('-m, --note <text>', 'why, kept with the version'),
  ).action(async (files: string[], options: { note?: string; gateway: string; token?: string }) => {
    try {
      const { readCompositeHeader } = await import('../../registry/documents.js');
      const { uploadedComposite } = await import('./admin/uploaded-files.js');
      const connection = connectionOf(options);
      for (const file of files) {
        const document = await readFile(file, 'utf8');
        // Read here first, so that a document that does not parse is reported in the user's file.
        const { name } = readCompositeHeader(document, file);
        const { result } = await adminRequest<{ result: { name: string; state: string; version: number; liveVersion: number | null; endpoint: string | null } }>(
          connection,
          'mutation($document: String!, $note: String) { result: saveComposite(document: $document, note: $note) { name state version liveVersion endpoint } }',
          { document, note: options.note },
          uploadedComposite(name, file),
        );
        console.log(`${file}: saved as v${result.version} — ${describe(result, connection.gateway)}`);
      }
    } catch (error) {
      reportFailure(error);
    }
  });
}
