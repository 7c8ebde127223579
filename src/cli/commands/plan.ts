import type { Command } from 'commander';
import { explainPlan, PLAN_FORMATS, type PlanFormat } from '../../composite/index.js';
import { buildGraph } from '../../graph/index.js';
import { loadSchemaFolder } from '../../schema/index.js';
import { reportFailure } from '../report.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description("Print a composite's plan: steps, dependencies, conditions, stages and the critical path.")
    .argument('<composite>', 'name of the composite (its operation name)')
    .option('-s, --schema <dir>', 'schema folder', 'schema')
    .option('-f, --format <format>', `output format: ${PLAN_FORMATS.join(', ')}`, 'text')
    .action(async (name: string, options: { schema: string; format: string }) => {
      try {
        if (!PLAN_FORMATS.includes(options.format as PlanFormat)) {
          throw new Error(`--format must be one of ${PLAN_FORMATS.join(', ')}, not "${options.format}"`);
        }
        // Planning needs the schema, not the upstreams: sources that cannot be reached still plan.
        const graph = await buildGraph(loadSchemaFolder(options.schema), { onSourceError: 'degrade' });
        await graph.close();
        const plan = graph.plans.get(name);
        if (!plan) {
          const known = [...graph.plans.keys()].join(', ') || 'none';
          throw new Error(`no composite named "${name}" in ${options.schema}/ (known: ${known})`);
        }
        console.log(explainPlan(plan, options.format as PlanFormat));
      } catch (error) {
        reportFailure(error);
      }
    });
}
