import { Command } from 'commander';
import { skeinVersion } from '../version.js';
import { registerCheck } from './commands/check.js';
import { registerServe } from './commands/serve.js';
import { registerImport } from './commands/import.js';
import { registerPlan } from './commands/plan.js';
import { registerPush } from './commands/push.js';
import { registerList } from './commands/list.js';
import { registerLifecycle } from './commands/lifecycle.js';
import { registerSave } from './commands/save.js';
import { registerHistory } from './commands/history.js';
import { registerSource } from './commands/source.js';
import { registerTransfer } from './commands/transfer.js';
import { registerShow } from './commands/show.js';
import { registerCompose, registerFind } from './commands/compose.js';
import { registerSync } from './commands/sync.js';

/**
 * The `skein` command. Each verb lives in its own file under commands/ and registers
 * itself here; a verb prints readable output and exits non-zero on failure. Registering
 * loads nothing heavy: each verb imports what it needs (graphql, the registry, the
 * server…) inside its action, so `skein --help` and `skein --version` answer at once.
 */
const program = new Command('skein')
  .description('Skein: REST and SOAP APIs as one GraphQL graph, with composite APIs compiled into parallel plans.')
  .version(skeinVersion(), '-V, --version', 'print the version of skein')
  // Program options only before the verb, so that `skein publish x --version 2` means the verb's own --version.
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')
  .configureHelp({ sortSubcommands: false });

registerServe(program);
registerCheck(program);
registerImport(program);
registerPlan(program);
registerCompose(program);
registerFind(program);
// Verbs against a running gateway's admin API (--gateway, --token).
registerPush(program);
registerList(program);
registerSave(program);
registerLifecycle(program);
registerHistory(program);
registerShow(program);
registerSource(program);
registerTransfer(program);
registerSync(program);

await program.parseAsync(process.argv);
