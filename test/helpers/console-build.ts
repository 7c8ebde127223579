import { spawnSync } from 'node:child_process';

/**
 * Builds the console into dist/console unless it is current (a no-op after `npm run
 * build`): tests of the console and of the GraphiQL pages serve what it built.
 */
export function buildConsole(): void {
  const result = spawnSync(process.execPath, ['scripts/build-console.js'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the console did not build (node scripts/build-console.js)');
}
