import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for our dependencies (yoga, graphql-tools); make
    // our own imports use the same one, or graphql-js sees two copies of itself.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Timing assertions (parallel plans) need a core to themselves more than they need speed.
    maxWorkers: 2,
  },
});
