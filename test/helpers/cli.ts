import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The `skein` command as users run it (npm test builds dist/ first). */
export const SKEIN = path.resolve('bin/skein.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end and returns its exit code and output; a failing exit is not thrown. */
export async function skein(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', [SKEIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
