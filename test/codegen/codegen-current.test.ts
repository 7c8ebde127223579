import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.ts';

// The generated types are committed so a fresh clone builds without running codegen;
// this test fails when someone changes the SDL and forgets `npm run codegen`.
describe('npm run codegen', () => {
  it('the committed output is what codegen generates from the current SDL', async () => {
    const outputs = await generate({ ...config, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(readFileSync(output.filename, 'utf8'), `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  });
});
