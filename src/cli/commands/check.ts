import type { Command } from 'commander';
import { buildGraph } from '../../graph/index.js';
import { loadSchemaFolder } from '../../schema/index.js';
import { reportFailure } from '../report.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('Load and validate a schema folder; print file:line:column for every error.')
    .option('-s, --schema <dir>', 'schema folder', 'schema')
    .action(async (options: { schema: string }) => {
      try {
        const input = loadSchemaFolder(options.schema);
        const graph = await buildGraph(input, { onSourceError: 'fail' });
        const operations = graph.operations.size;
        await graph.close();
        console.log(
          `${options.schema}: ok (${graph.sources.size} sources, ${operations} operations, ${input.composites.length} composites)`,
        );
      } catch (error) {
        reportFailure(error);
      }
    });
}
