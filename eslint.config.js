// Lint for every workspace; type-checking is tsc's job (npm run typecheck), so rules here need no type info.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', 'test-results/**', 'playwright-report/**', '**/next-env.d.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    files: ['apps/web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Mechanism modules know nothing of wiring: only app/ (the composition roots) and main.ts put stages together.
    files: ['apps/proxy/src/**/*.ts'],
    ignores: ['apps/proxy/src/app/**', 'apps/proxy/src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/app/*'], message: 'mechanism modules must not import the composition roots in app/' }] },
      ],
    },
  },
);
