// ESLint flat config. The import-boundary rules enforce ARCHITECTURE.md's "the folder names the runtime".
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const platformModules = [
  { group: ['node:*'], message: 'src-shared is pure TypeScript: no Node modules.' },
  { group: ['electron', 'electron/*'], message: 'Only src-main/electron/ may import electron.' },
  { group: ['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'], message: 'No database access here.' },
  { group: ['react', 'react-dom', 'react-dom/*', 'react/*'], message: 'src-shared has no UI.' },
];
const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'http', 'child_process', 'url', 'util', 'stream'];
const backendFolders = {
  group: ['**/src-main/**', '**/src-gateway/**', '**/src-renderer/**'],
  message: 'src-shared imports only src-shared.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'drizzle/', 'test-results/', 'playwright-report/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.e2e.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (ARCHITECTURE.md, rule 9).' },
      ],
      // Everywhere but src-main/electron: no electron.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'Only src-main/electron/ may import electron.' },
          ],
        },
      ],
    },
  },
  {
    files: ['*.config.ts', '*.config.js', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: nodeBuiltins, patterns: [...platformModules, backendFolders] },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a sandbox: no Node modules.' },
            {
              group: ['electron', 'electron/*'],
              message: 'The renderer talks to main only through api/client.ts.',
            },
            {
              group: ['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'],
              message: 'The renderer never touches the database.',
            },
            {
              group: ['**/src-main/**', '**/src-gateway/**'],
              message: 'Of our own code the renderer imports only src-shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // The gateway stands on src-shared and its own code (issue 13): no desktop code, no SQLite, no UI.
    files: ['src-gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**', '**/src-renderer/**', '**/scripts/**'],
              message: 'The gateway imports only src-shared and its own code.',
            },
            { group: ['better-sqlite3'], message: 'The gateway has no SQLite: its database is PostgreSQL.' },
            { group: ['electron', 'electron/*'], message: 'Only src-main/electron/ may import electron.' },
            { group: ['react', 'react-dom', 'react-dom/*', 'react/*'], message: 'The gateway has no UI.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
