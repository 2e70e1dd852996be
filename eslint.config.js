// Lint, including the dependency direction of docs/architecture.md: each folder of src/ may import
// only the layers below it. Breaking the direction fails `npm test`.
import tseslint from 'typescript-eslint';

const LAYERS = ['core', 'config', 'providers', 'surfaces', 'state', 'storage', 'telemetry', 'router', 'policy', 'cache', 'pipeline', 'server', 'mock', 'cli'];

/** What each folder may import (besides itself and node/npm packages). */
const ALLOWED = {
  core: [],
  config: ['core'],
  providers: ['core'],
  surfaces: ['core'],
  state: ['core'],
  storage: ['core'],
  telemetry: ['core'],
  mock: ['core'],
  router: ['core', 'config', 'providers', 'surfaces', 'state', 'storage', 'telemetry'],
  policy: ['core', 'config', 'providers', 'surfaces', 'state', 'storage', 'telemetry'],
  cache: ['core', 'config', 'providers', 'surfaces', 'state', 'storage', 'telemetry'],
  pipeline: ['core', 'config', 'providers', 'surfaces', 'state', 'storage', 'telemetry', 'router', 'policy', 'cache'],
  // The server never names a concrete provider: it hands frozen requests to the pipeline.
  server: ['core', 'config', 'surfaces', 'state', 'storage', 'telemetry', 'router', 'policy', 'cache', 'pipeline'],
  cli: LAYERS.filter((l) => l !== 'cli'),
};

const layerRules = Object.entries(ALLOWED).map(([layer, allowed]) => {
  const forbidden = LAYERS.filter((l) => l !== layer && !allowed.includes(l));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...forbidden.map((l) => `**/${l}/**`), '**/main.js'],
              message: `src/${layer} may import only: ${allowed.join(', ') || 'nothing of ours'} (see docs/architecture.md).`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
);
