import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';
import { describe, positive } from './lifecycle.js';
import { checkPlanFormat, PLAN_FORMATS_HELP, writePlan } from './plan.js';

/** `skein show <name>`: a composite of a running gateway, its state and its plan (drafts too). */
export function registerShow(program: Command): void {
  withConnection(
    program
      .command('show')
      .description("Show a running gateway's composite: state, sources and plan; drafts are planned without being served.")
      .argument('<name>', 'the composite')
      .option('-f, --format <format>', `plan format: ${PLAN_FORMATS_HELP}`, 'text')
      .option('--version <n>', 'the version to plan (default: the newest)', positive)
      .option('-o, --out <file>', 'write the plan to this file instead of stdout (png: default <name>.png; - for stdout)'),
  ).action(async (name: string, options: { format: string; version?: number; out?: string; gateway: string; token?: string }) => {
    try {
      // The gateway draws the plan with the same code as `skein plan`; its PlanFormat enum is upper case.
      const planFormat = await checkPlanFormat(options.format);
      const format = planFormat.toUpperCase();
      const connection = connectionOf(options);
      const result = await adminRequest<{
        composite: { name: string; state: string; version: number; liveVersion: number | null; endpoint: string | null; sources: string[]; protocol: string } | null;
        plan: { text: string; version: number };
      }>(
        connection,
        `query($name: String!, $version: Int, $format: PlanFormat) {
          composite(name: $name) { name state version liveVersion endpoint sources protocol }
          plan(name: $name, version: $version, format: $format) { text version }
        }`,
        { name, version: options.version, format },
      );
      if (format === 'TEXT' && result.composite) {
        console.log(describe(result.composite, connection.gateway));
        console.log(`sources: ${result.composite.sources.join(', ') || '—'}; protocol: ${result.composite.protocol}; planned: v${result.plan.version}\n`);
      }
      // A PNG comes base64-encoded in Plan.text.
      writePlan(name, planFormat, planFormat === 'png' ? Buffer.from(result.plan.text, 'base64') : result.plan.text, options.out);
    } catch (error) {
      reportFailure(error);
    }
  });
}
