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
        const { BUILTIN_QUERY_FIELD, loadSchemaFolder } = await import('../../schema/index.js');
        const { buildGraph } = await import('../../graph/index.js');
        const input = loadSchemaFolder(options.schema);
        const graph = await buildGraph(input, { onSourceError: 'fail' });
        const operations = graph.operations.size;
        const reads =
          [...graph.operations.keys()].filter((name) => name.startsWith('Query.')).length +
          [...graph.plans.values()].filter((plan) => plan.operation === 'query').length;
        await graph.close();
        console.log(
          `${options.schema}: ok (${count(graph.sources.size, 'source')}, ${count(operations, 'operation')}, ${count(input.composites.length, 'composite')})`,
        );
        // Valid, and worth knowing: a frontend can only send mutations (and ask the gateway about itself).
        if (reads === 0) console.log(`  no Query field of its own: Query has only the gateway's built-in ${BUILTIN_QUERY_FIELD}`);
      } catch (error) {
        reportFailure(error);
      }
    });
}
