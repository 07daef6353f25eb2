// Flat config. The folder rules below are the architecture in DESIGN.md, enforced:
// shared imports nothing, monitor never sees electron/react/DOM, the renderer never
// sees node or the monitor, and only main/ipc.ts and the preload touch Electron IPC.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'stream',
  'url',
  'util',
  'events',
  'worker_threads',
  'v8',
  'inspector',
];

const nodeLayerForbidden = [
  'electron',
  'react',
  'react-dom',
  'recharts',
  'zustand',
  '**/renderer/**',
  '**/main/**',
  '**/preload/**',
];

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'test-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]",
          message: 'Only src/main/ipc.ts and src/preload may touch Electron IPC.',
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([
      {
        regex: '^(?!\\./)',
        message: 'src/shared imports nothing: no node, no DOM, no packages.',
      },
    ]),
  },
  {
    files: [
      'src/monitor/**/*.ts',
      'src/agent/**/*.ts',
      'src/agent-pools/**/*.ts',
      'src/server/**/*.ts',
      'src/cli/**/*.ts',
    ],
    rules: restrict([
      {
        group: nodeLayerForbidden,
        message: 'Node layers never import electron, react or the renderer.',
      },
    ]),
  },
  {
    // The features and every other part of the core plug in through the session seam
    // (features/session-feature.ts) and never import the resource manager back.
    files: ['src/monitor/*/**/*.ts'],
    rules: restrict([
      {
        group: [...nodeLayerForbidden, '**/resource-manager', '**/resource-manager.ts'],
        message:
          "Node layers never import electron, react or the renderer; the core's parts never import the resource manager (go through SessionContext).",
      },
    ]),
  },
  {
    files: ['src/agent/**/*.ts'],
    rules: restrict([
      {
        regex: '^(?!node:|\\./)',
        message: 'src/agent is dependency-free: node built-ins and its own files only.',
      },
    ]),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict([
        {
          group: [
            ...nodeBuiltins,
            'electron',
            '**/monitor/**',
            '**/server/**',
            '**/cli/**',
            '**/main/**',
            '**/preload/**',
            'undici',
            'ws',
            'pidusage',
          ],
          message:
            'The renderer never imports node, electron or the monitor: go through monitor-client.',
        },
      ]),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-syntax': 'off',
      ...restrict([
        {
          regex: '^(?!electron$|\\.\\./shared/)',
          message: 'The preload runs sandboxed: electron and the shared contract only.',
        },
      ]),
    },
  },
  {
    files: ['src/main/ipc.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
