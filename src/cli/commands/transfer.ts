import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';
import { describe, positive } from './lifecycle.js';

/**
 * `skein export <name>` writes a composite as a portable XML (or JSON) file, with
 * references to the sources it needs; `skein import composite <file>` reads one into
 * another gateway. The import is a new version there (a draft unless --publish).
 */
export function registerTransfer(program: Command): void {
  withConnection(
    program
      .command('export')
      .description('Write a composite as a portable file (XML or JSON) naming the sources it needs.')
      .argument('<name>', 'the composite')
      .option('-f, --format <format>', 'xml or json', 'xml')
      .option('--version <n>', 'the version to export (default: the newest)', positive)
      .option('-o, --out <file>', 'file to write (default: standard output)'),
  ).action(async (name: string, options: { format: string; version?: number; out?: string; gateway: string; token?: string }) => {
    try {
      const format = options.format.toUpperCase();
      if (format !== 'XML' && format !== 'JSON') throw new Error(`--format must be xml or json, not "${options.format}"`);
      const { export: exported } = await adminRequest<{ export: { document: string; version: number } }>(
        connectionOf(options),
        'query($name: String!, $version: Int, $format: ExportFormat) { export(name: $name, version: $version, format: $format) { document version } }',
        { name, version: options.version, format },
      );
      if (options.out) {
        await writeFile(options.out, exported.document);
        console.error(`${name} v${exported.version} → ${options.out}`);
      } else {
        process.stdout.write(exported.document);
      }
    } catch (error) {
      reportFailure(error);
    }
  });

  const importCommand = program.commands.find((c) => c.name() === 'import') ?? program.command('import');
  withConnection(
    importCommand
      .command('composite')
      .description('Import an exported composite (XML or JSON) into a running gateway as its next version.')
      .argument('<file>', 'the file `skein export` wrote')
      .option('--publish', 'publish it at once (default: a draft)'),
  ).action(async (file: string, options: { publish?: boolean; gateway: string; token?: string }) => {
    try {
      const connection = connectionOf(options);
      const result = await adminRequest<{
        import: { composite: { name: string; state: string; version: number; liveVersion: number | null; endpoint: string | null }; warnings: string[] };
      }>(
        connection,
        'mutation($document: String!, $publish: Boolean) { import(document: $document, publish: $publish) { composite { name state version liveVersion endpoint } warnings } }',
        { document: await readFile(file, 'utf8'), publish: options.publish === true },
      );
      console.log(`${file}: imported as v${result.import.composite.version} — ${describe(result.import.composite, connection.gateway)}`);
      for (const warning of result.import.warnings) console.log(`  note: ${warning}`);
    } catch (error) {
      reportFailure(error);
    }
  });
}
