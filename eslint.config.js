// Lint for every workspace; type-checking is tsc's job (npm run typecheck), so rules here need no type info.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Date's string methods and the locale-aware ones make V8 map ICU's data into the process (its date cache alone,
// ~0.6 MB of the node binary's pages): the proxy builds its timestamps from the UTC getters (utc-time.ts).
const proxyNoIcu = [
  {
    selector: 'CallExpression[callee.property.name=/^(toISOString|toUTCString|toDateString|toTimeString|toLocaleString|toLocaleDateString|toLocaleTimeString|localeCompare)$/]',
    message: 'maps ICU data into every proxy: use utc-time.ts (timestamps) or a plain comparison',
  },
  { selector: "MemberExpression[object.name='Intl']", message: 'maps ICU data into every proxy' },
];

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
  {
    files: ['apps/proxy/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...proxyNoIcu] },
  },
  {
    // The per-request code: see http2/headers.ts for why a property after a spread is kept out of it.
    files: ['apps/proxy/src/http/**/*.ts', 'apps/proxy/src/http2/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...proxyNoIcu, // a later entry's rule replaces an earlier one's for the files both match
        {
          selector: 'ObjectExpression > SpreadElement ~ Property',
          message: 'a property after a spread: in Node 20 such objects are slow to make and get promoted (http2/headers.ts); assign to the object instead',
        },
      ],
    },
  },
);
