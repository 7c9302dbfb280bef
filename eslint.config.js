// Lint rules, including the direction of dependencies between workspaces:
// contract <- core <- storage <- server <- cli. A package may not import one to its right,
// and core stays free of I/O frameworks and database drivers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const forbid = (packages, why) =>
  packages.map((name) => ({ group: [name, `${name}/*`], message: why }));

const driversAndFrameworks = ['fastify', '@fastify/*', 'kysely', 'better-sqlite3', 'pg', 'pino', 'commander'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }] },
  },
  {
    files: ['packages/contract/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid(['@accessgraph/core', '@accessgraph/storage', '@accessgraph/server', '@accessgraph/cli', ...driversAndFrameworks], 'contract depends on nothing but typebox.') },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid(['@accessgraph/storage', '@accessgraph/server', '@accessgraph/cli', ...driversAndFrameworks], 'core is pure domain code: no I/O, no HTTP, no database.') },
      ],
    },
  },
  {
    files: ['packages/storage/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid(['@accessgraph/server', '@accessgraph/cli', 'fastify', '@fastify/*'], 'storage sits below the server.') },
      ],
    },
  },
  {
    files: ['packages/server/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid(['@accessgraph/cli', 'kysely', 'better-sqlite3', 'pg', 'commander'], 'the server reaches the database only through the Store.') },
      ],
    },
  },
);
