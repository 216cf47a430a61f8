// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import lit from 'eslint-plugin-lit';
import noOnlyTests from 'eslint-plugin-no-only-tests';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.tsc-test/**',
      '**/.tsc/**',
      'demo/.data/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
      'packages/element/custom-elements.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'no-only-tests': noOnlyTests },
    rules: {
      'no-only-tests/no-only-tests': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The emulator stands for the providers on its own: nothing of ours may check itself.
    files: ['packages/emulator/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@pay-checkout/*',
                '**/protocol/src/**',
                '**/server/src/**',
                '**/element/src/**',
              ],
              message:
                'The emulator is an independent witness: write it from the providers’ documentation.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/element/src/**/*.ts', 'packages/console/src/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  prettier,
);
