import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PlanFormat } from '../../composite/index.js';
import { reportFailure } from '../report.js';

/**
 * The formats of `skein plan` and `skein show`, for their --help (written out so that
 * --help does not load the planner; a test checks it lists every one of PLAN_FORMATS).
 */
export const PLAN_FORMATS_HELP = 'text, json, mermaid, dot, svg or png (pictures of the flow; png is written to a file)';

/**
 * Where `--out` is not given: a PNG goes to `<composite>.png` (a terminal is no place for
 * binary), the rest to stdout. `--out -` sends any format to stdout, a PNG for a pipe.
 */
export function writePlan(name: string, format: PlanFormat, output: string | Uint8Array, out: string | undefined): void {
  const file = out ?? (format === 'png' ? `${name}.png` : undefined);
  if (file === '-') {
    process.stdout.write(typeof output === 'string' ? `${output}\n` : output);
    return;
  }
  if (file === undefined) {
    console.log(output);
    return;
  }
  writeFileSync(file, output);
  console.error(`wrote the ${format} plan of ${name} to ${file}`);
}

/** Throws unless `format` is one the planner draws; `skein plan` and `skein show` accept the same. */
export async function checkPlanFormat(format: string): Promise<PlanFormat> {
  const { PLAN_FORMATS } = await import('../../composite/explain/explain-plan.js');
  if (!PLAN_FORMATS.includes(format as PlanFormat)) throw new Error(`--format must be one of ${PLAN_FORMATS.join(', ')}, not "${format}"`);
  return format as PlanFormat;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description("Print a composite's plan: steps, dependencies, conditions, stages and the critical path.")
    .argument('<composite>', 'name of the composite (its operation name)')
    .option('-s, --schema <dir>', 'schema folder', 'schema')
    .option('-f, --format <format>', `output format: ${PLAN_FORMATS_HELP}`, 'text')
    .option('-o, --out <file>', 'write to this file instead of stdout (png: default <composite>.png; - for stdout)')
    .action(async (name: string, options: { schema: string; format: string; out?: string }) => {
      try {
        const format = await checkPlanFormat(options.format);
        const { explainPlan } = await import('../../composite/index.js');
        const { buildGraph } = await import('../../graph/index.js');
        const { loadSchemaFolder } = await import('../../schema/index.js');
        // Planning needs the schema, not the upstreams: sources that cannot be reached still plan.
        const graph = await buildGraph(loadSchemaFolder(options.schema), { onSourceError: 'degrade' });
        await graph.close();
        const plan = graph.plans.get(name);
        if (!plan) {
          const known = [...graph.plans.keys()].join(', ') || 'none';
          throw new Error(`no composite named "${name}" in ${options.schema}/ (known: ${known})`);
        }
        writePlan(name, format, await explainPlan(plan, format), options.out);
      } catch (error) {
        reportFailure(error);
      }
    });
}
