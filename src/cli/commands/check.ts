import type { Command } from 'commander';
import { count } from '../format.js';
import { reportFailure } from '../report.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('Load and validate a schema folder; print file:line:column for every error.')
    .option('-s, --schema <dir>', 'schema folder', 'schema')
    .action(async (options: { schema: string }) => {
      try {
        const { loadSchemaFolder } = await import('../../schema/index.js');
        const { buildGraph } = await import('../../graph/index.js');
        const input = loadSchemaFolder(options.schema);
        const graph = await buildGraph(input, { onSourceError: 'fail' });
        const operations = graph.operations.size;
        await graph.close();
        console.log(
          `${options.schema}: ok (${count(graph.sources.size, 'source')}, ${count(operations, 'operation')}, ${count(input.composites.length, 'composite')})`,
        );
      } catch (error) {
        reportFailure(error);
      }
    });
}
