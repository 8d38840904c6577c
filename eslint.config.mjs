// One lint config for every workspace: typescript-eslint's recommended rules, generated code fenced off.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-test/**',
      '**/dist-server/**',
      'charts/**',
      'cdk8s/imports/**',
      '**/*.d.ts',
      '.dev/**',
      '.test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // A workspace is used through its package entry points (its `exports`), never its build output:
      // a deep `dist/` import breaks when the package's layout changes and loads what it keeps private.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@converge/*/dist', '@converge/*/dist/**', '@converge/*/dist-test', '@converge/*/dist-test/**'],
              message: 'Import the package entry point (e.g. @converge/runtime or @converge/runtime/tracing), not its dist/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly' } },
  },
  {
    // k6 scripts: ES modules run by k6 (or the stand-in in CI), with k6's globals.
    files: ['observability/k6/**/*.js', 'observability/test/fixtures/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
