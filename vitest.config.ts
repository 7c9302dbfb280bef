import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the built dist/ is for the CLI at run time.
    alias: {
      '@accessgraph/contract': source('contract'),
      '@accessgraph/core': source('core'),
      '@accessgraph/storage': source('storage'),
      '@accessgraph/server': source('server'),
      '@accessgraph/cli': source('cli'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
