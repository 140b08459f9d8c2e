// Lint configuration, run by `npm test` (npm run lint): typescript-eslint's recommended rules
// (syntax-only, no type information: fast enough to run on every test run) over the TypeScript,
// browser globals for the dashboard's plain scripts. Formatting is prettier's (npm run format).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'schema/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_` marks what a signature needs but the body does not use (Express's error handler, say).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `interface Loaders extends ReturnType<typeof syncLoaders> {}`: how a capability module
      // adds its loaders to the kit's context by declaration merging.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // The service logs through pino; console output in src/ would bypass redaction.
      'no-console': 'error',
    },
  },
  {
    // Tests and benches read GraphQL answers as untyped JSON, and print their figures.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // A bench's job is to print its figures.
    files: ['bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/dashboard/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'module' },
  },
  {
    files: ['*.js', '*.cjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
