// One test runner for the whole workspace. Integration tests start real MariaDB, the chdb-backed
// ClickHouse server and the Kafka mock broker themselves, so files run in separate forks and
// are given generous timeouts; nothing here is timed for speed (benchmarks do that).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts', '*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'console/e2e/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
