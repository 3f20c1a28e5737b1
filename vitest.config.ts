import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, so the
    // end-to-end files, which mostly wait on real servers (alert `for`s, Alertmanager's group
    // interval), ran one after another. Three overlap that waiting.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
