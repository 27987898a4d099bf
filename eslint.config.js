// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Layering (ARCHITECTURE.md principle 9): Electron stays in main/shell and preload. */
const electronOnlyInShell = {
  name: 'electron',
  message: 'Electron may be imported only under main/shell/** and preload/** (layering rule).',
};

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'release/', 'test-results/', 'tests/fixtures/', 'bench/results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
    },
  },
  {
    files: ['main/shell/**', 'preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['tests/**'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['main/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            {
              regex: '^node:',
              message: 'main/contract is runtime-neutral: no node:* imports (layering rule).',
            },
            {
              group: ['fs', 'path', 'os', 'child_process', 'http', 'net', 'crypto', 'events', 'url', 'util'],
              message: 'main/contract is runtime-neutral: no Node built-ins (layering rule).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            {
              regex: '^(\\.\\./)+main/(?!contract(/|$))',
              message: 'The renderer may import from main/ only through main/contract (layering rule).',
            },
            { regex: '^node:', message: 'The renderer runs in a browser: no node:* imports.' },
          ],
        },
      ],
    },
  },
);
