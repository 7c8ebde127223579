import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';
import { table } from './admin/table.js';

const PUSH = /* GraphQL */ `
  mutation push($sources: [SourceUpload!]!, $composites: [CompositeUpload!]!, $publish: Boolean) {
    push(sources: $sources, composites: $composites, publish: $publish) {
      changed
      items { kind name action version state }
    }
  }
`;

interface PushResult {
  push: { changed: boolean; items: { kind: string; name: string; action: string; version: number; state: string }[] };
}

/** `skein push [--schema dir] [--publish]`: the whole schema folder to a running gateway, as one change. */
export function registerPush(program: Command): void {
  withConnection(
    program
      .command('push')
      .description('Upload the schema folder to a running gateway in one checked change: changed sources and composites become new versions.')
      .option('-s, --schema <dir>', 'schema folder', 'schema')
      .option('--publish', 'also publish every uploaded composite at its newest version (paused ones stay paused)'),
  ).action(async (options: { schema: string; publish?: boolean; gateway: string; token?: string }) => {
    try {
      const { folderUpload } = await import('../../registry/folder-upload.js');
      const { readCompositeHeader, readSourceHeader } = await import('../../registry/documents.js');
      const { loadSchemaFolder } = await import('../../schema/index.js');
      const { uploadedComposite, uploadedSource } = await import('./admin/uploaded-files.js');
      const folder = loadSchemaFolder(options.schema);
      const upload = folderUpload(folder);
      const uploaded = [
        ...folder.sources.flatMap((s) => uploadedSource(readSourceHeader(s.text, s.path).name, s.path)),
        ...folder.composites.flatMap((c) => uploadedComposite(readCompositeHeader(c.text, c.path).name, c.path)),
      ];
      const result = await adminRequest<PushResult>(connectionOf(options), PUSH, {
        sources: upload.sources.map((s) => ({
          sdl: s.sdl,
          file: s.file,
          attachments: Object.entries(s.attachments ?? {}).map(([path, text]) => ({ path, text })),
        })),
        composites: upload.composites.map((c) => ({ document: c.document, file: c.file })),
        publish: options.publish === true,
      }, uploaded);
      const items = result.push.items;
      console.log(table(['kind', 'name', 'action', 'version', 'state'], items.map((i) => [i.kind, i.name, i.action.toLowerCase(), `v${i.version}`, i.state])));
      const changed = items.filter((i) => i.action !== 'UNCHANGED' && i.action !== 'KEPT').length;
      console.log(`\n${result.push.changed ? `${changed} of ${items.length} changed` : 'nothing changed'} on ${connectionOf(options).gateway}`);
      const drafts = items.filter((i) => i.kind === 'composite' && i.state === 'draft');
      if (drafts.length && !options.publish) console.log(`drafts are not served: skein publish ${drafts[0].name} (or push --publish)`);
    } catch (error) {
      reportFailure(error);
    }
  });
}
