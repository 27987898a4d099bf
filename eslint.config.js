// @ts-check
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * The layers of main/, lowest first. A folder may import its own layer's files only where `peers`
 * allows it, and any lower layer; never a higher one. See docs/ARCHITECTURE.md.
 *
 *   contract ← collectors ← sampler ← store/settings/alerts/report ← api/exporters/mcp/baseline ← assembly ← cli/shell
 *
 * paths.ts and version.ts are leaf helpers any main/ folder above the contract may use; main/index.ts
 * and main/cli.ts are the entry points. The renderer and the preload see main/ only through the contract.
 */
const LAYERS = [
  ['contract'],
  ['paths', 'version'],
  ['collectors'],
  ['sampler'],
  ['store', 'settings', 'alerts', 'report'],
  ['api', 'exporters', 'mcp', 'baseline'],
  ['assembly'],
  ['cli', 'shell'],
  ['entry'],
];
/** Imports within a layer: who may import whom. */
const PEERS = { report: ['store'], api: ['exporters'], mcp: ['api'] };
const RANK = new Map(LAYERS.flatMap((areas, rank) => areas.map((area) => [area, rank])));

/** The area a file belongs to: a folder of main/ (or paths, version, entry), renderer, preload; null elsewhere. */
function areaOf(file) {
  const parts = relative(ROOT, file).split(sep);
  if (parts[0] === 'renderer' || parts[0] === 'preload') return parts[0];
  if (parts[0] !== 'main' || parts.length < 2) return null;
  if (parts.length === 2) {
    const name = parts[1].replace(/\.[cm]?[tj]s$/, '');
    return name === 'index' || name === 'cli' ? 'entry' : name;
  }
  return parts[1];
}

function mayImport(from, to) {
  if (from === to) return true;
  if (from === 'renderer' || from === 'preload') return to === 'contract';
  if (to === 'renderer' || to === 'preload') return false;
  const a = RANK.get(from) ?? -1;
  const b = RANK.get(to) ?? Infinity;
  return b < a || (a === b && (PEERS[from] ?? []).includes(to));
}

const layerDirection = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      upward:
        '{{from}} may not import {{to}}: layers import only downwards (contract ← collectors ← sampler ← store/settings/alerts/report ← api/exporters/mcp/baseline ← assembly ← cli/shell).',
      outside: 'The {{from}} may import from main/ only through main/contract (layering rule).',
      unplaced: 'main/{{area}} has no place in the layer order: add it to LAYERS in eslint.config.js.',
    },
  },
  create(context) {
    const from = areaOf(context.filename);
    if (from === null) return {};
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      if (!source.value.startsWith('.')) return;
      const to = areaOf(resolve(dirname(context.filename), source.value));
      if (to === null || mayImport(from, to)) return;
      const unplaced = [from, to].find(
        (area) => !RANK.has(area) && area !== 'renderer' && area !== 'preload',
      );
      if (unplaced) {
        context.report({ node: source, messageId: 'unplaced', data: { area: unplaced } });
        return;
      }
      const outside = from === 'renderer' || from === 'preload';
      context.report({ node: source, messageId: outside ? 'outside' : 'upward', data: { from, to } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** Electron and the menu-bar packages built on it stay in main/shell (Electron also in preload). */
const shellOnly = (name) => ({
  name,
  message: `${name} may be imported only under main/shell/**${name === 'electron' ? ' and preload/**' : ''} (layering rule).`,
});
const SHELL_PACKAGES = ['electron', 'menubar', 'electron-store'].map(shellOnly);
const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'http', 'net', 'crypto', 'events', 'url', 'util'];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'release/', 'test-results/', 'tests/fixtures/', 'bench/results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { idlewatt: { rules: { 'layer-direction': layerDirection } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: SHELL_PACKAGES }],
      'idlewatt/layer-direction': 'error',
    },
  },
  {
    files: ['main/shell/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['preload/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: SHELL_PACKAGES.filter((p) => p.name !== 'electron') }],
    },
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
          paths: SHELL_PACKAGES,
          patterns: [
            {
              regex: '^node:',
              message: 'main/contract is runtime-neutral: no node:* imports (layering rule).',
            },
            {
              group: NODE_BUILTINS,
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
          paths: SHELL_PACKAGES,
          patterns: [{ regex: '^node:', message: 'The renderer runs in a browser: no node:* imports.' }],
        },
      ],
    },
  },
);
