import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: integration tests start servers and DuckDB instances.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/trino/**'] },
      },
      {
        // The two-engine tests. Their global setup starts a Trino server (about 30 s, 1.5 GB of
        // heap), so it lives in its own project: vitest runs a project's global setup only when
        // the run includes that project's files (`npx vitest run test/unit` never starts Trino).
        // groupOrder 1: they run after the rest, so the JVM's queries never compete with the
        // other tests for the two cores.
        extends: true,
        test: {
          name: 'trino',
          include: ['test/trino/**/*.test.ts'],
          globalSetup: ['test/trino/global-setup.ts'],
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
