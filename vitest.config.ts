import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', 'test/.fixtures/**'];

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for our dependencies (yoga, graphql-tools); make
    // our own imports use the same one, or graphql-js sees two copies of itself.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          // npm-packed fixtures (test/.fixtures) bring their own test files; they are not ours.
          exclude: [...exclude, 'test/**/*.timing.test.ts'],
          maxWorkers: 2,
        },
      },
      {
        // Tests that assert how long a plan takes (parallel vs serial) need the CPU to
        // themselves: they run after the rest, one file at a time.
        extends: true,
        test: {
          name: 'timing',
          include: ['test/**/*.timing.test.ts'],
          exclude,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
