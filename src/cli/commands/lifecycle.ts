import { InvalidArgumentError, type Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';

interface CompositeState {
  name: string;
  state: string;
  version: number;
  liveVersion: number | null;
  endpoint: string | null;
}

const FIELDS = 'name state version liveVersion endpoint';

/**
 * The lifecycle verbs, one per step a composite can take: `skein publish <name>`,
 * `pause`, `resume`, `delete`, `rollback <name> <version>`. They share one shape (a
 * mutation, then one line saying where the composite is now), so they live together.
 */
export function registerLifecycle(program: Command): void {
  const verbs: { verb: string; description: string; mutation: string }[] = [
    { verb: 'pause', description: 'Pause a published composite: it answers COMPOSITE_PAUSED (503 over REST) until resumed.', mutation: 'pause' },
    { verb: 'resume', description: 'Serve a paused composite again.', mutation: 'resume' },
    { verb: 'delete', description: 'Stop serving a composite and hide it from lists; its versions and audit trail stay.', mutation: 'delete' },
  ];
  withConnection(
    program
      .command('publish')
      .description('Serve a composite at its newest version, or at --version.')
      .argument('<name>', 'the composite')
      .option('--version <n>', 'the version to publish', positive),
  ).action(async (name: string, options: { version?: number; gateway: string; token?: string }) =>
    run(options, `mutation($name: String!, $version: Int) { result: publish(name: $name, version: $version) { ${FIELDS} } }`, {
      name,
      version: options.version,
    }),
  );
  for (const { verb, description, mutation } of verbs) {
    withConnection(program.command(verb).description(description).argument('<name>', 'the composite')).action(
      async (name: string, options: { gateway: string; token?: string }) =>
        run(options, `mutation($name: String!) { result: ${mutation}(name: $name) { ${FIELDS} } }`, { name }),
    );
  }
  withConnection(
    program
      .command('rollback')
      .description('Make an earlier version current again (as a new version); a live composite serves it at once.')
      .argument('<name>', 'the composite')
      .argument('<version>', 'the version to return to', positive),
  ).action(async (name: string, version: number, options: { gateway: string; token?: string }) =>
    run(options, `mutation($name: String!, $version: Int!) { result: rollback(name: $name, version: $version) { ${FIELDS} } }`, {
      name,
      version,
    }),
  );
}

async function run(options: { gateway: string; token?: string }, mutation: string, variables: Record<string, unknown>): Promise<void> {
  try {
    const { result } = await adminRequest<{ result: CompositeState }>(connectionOf(options), mutation, variables);
    console.log(describe(result, connectionOf(options).gateway));
  } catch (error) {
    reportFailure(error);
  }
}

export function describe(c: CompositeState, gateway: string): string {
  const live = c.liveVersion === null ? '' : c.liveVersion === c.version ? ` v${c.version}` : ` v${c.liveVersion} (newest saved: v${c.version})`;
  const where = c.endpoint ? `  ${gateway}${c.endpoint}` : '';
  return `${c.name}: ${c.state.toLowerCase()}${live || ` (newest v${c.version})`}${where}`;
}

export function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`expected a version number (1, 2, …), not "${value}"`);
  return number;
}
