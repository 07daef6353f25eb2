import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Recordings and snapshots that tests make go to a throwaway data dir, never to the
// developer's ~/.resdash.
const dataDir =
  process.env.RESDASH_TEST_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'resdash-test-'));
const env = { RESDASH_DATA_DIR: dataDir };

// Three projects: unit tests beside the code, integration tests against real Node
// processes, and browser end-to-end tests in a real Chromium. `npm test` runs all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
