// Flat ESLint config for every package of the workspace.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Schemas use zod/mini: it tree-shakes to a few kB, and classic zod's object parser probes
// `new Function`, which the apps' CSP (no 'unsafe-eval') refuses and reports.
const zodMini = { name: 'zod', message: "Import from 'zod/mini'." };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [zodMini] }],
    },
  },
  {
    // A feature may import from itself and from the app's shared folders, never from another feature.
    files: ['**/src/features/*/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [zodMini],
          patterns: [
            {
              // ../../<other-feature>/… from features/<f>/<dir>/file, or a path back into features/.
              regex: '^(\\.\\./\\.\\./[^./][^/]*/|(\\.\\./)+features/)',
              message: 'No cross-feature imports: move shared code to components/, lib/ or hooks/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}', '**/vite.config.ts', '**/vitest.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
