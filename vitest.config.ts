import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the "balai-source" condition, so
// tests run against src/ without a build.
const conditions = ['balai-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.int.test.ts',
            'services/*/test/**/*.int.test.ts',
            'tests/*/test/**/*.int.test.ts',
          ],
          globalSetup: ['packages/testkit/src/vitest-global-setup.ts'],
          setupFiles: ['packages/testkit/src/traffic-record-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
