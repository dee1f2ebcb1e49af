// Lint rules that guard correctness: workflow determinism and no floating promises.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'python-activities/**', 'artifacts/**', '.tooltune/**', 'eslint.config.js', 'bin/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    // allowDefaultProject lets test/lint lint in-memory probes as if they lived under workflows/.
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['workflows/*.lint-probe.ts'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Workflow code is replayed: it must be deterministic. No Node built-ins (fs, crypto, timers...),
    // no process or clock access, and activities are imported as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['../activities', '../activities/*', '!../activities/types'], message: 'Import activities as types only (import type).', allowTypeImports: true },
            { group: ['execa', 'onnxruntime-node', 'chalk', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Not allowed in workflow code.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'require'],
      'no-restricted-properties': [
        'error',
        // Date.now() is allowed: the workflow sandbox pins it to the workflow task's time on replay.
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for ids.' },
      ],
    },
  },
);
