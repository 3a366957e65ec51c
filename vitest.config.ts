import { defineConfig } from 'vitest/config';

/**
 * Files that run real processes against each other and judge what they see in time (8 worker
 * processes sharing Redis; Redis paused and killed under live registries). They run after the
 * rest of the suite, one at a time, so that the scheduler is theirs: on 2 cores, with other
 * test files beside them, CI saw a worker's opening arrive 115 ms after the first and the test
 * process starved while the workers reconnected to Redis.
 */
const PROCESSES = ['test/fleet/fleet.test.ts', 'test/fleet/redis-registries.test.ts'];

const shared = { testTimeout: 60_000, hookTimeout: 300_000 } as const;

export default defineConfig({
  test: {
    reporters: ['default', './test/plain-summary.reporter.ts'],
    projects: [
      {
        test: { ...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: PROCESSES },
      },
      {
        test: {
          ...shared,
          name: 'processes',
          include: PROCESSES,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
