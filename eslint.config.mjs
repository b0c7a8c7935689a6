// ESLint for lib/, test/, bench/ and scripts/: `npm run lint` (after tsc), and `npm test` at the end.
// Rules that catch defects, not taste: layout belongs to prettier (`npm run format`).
// A rule switched off for one line says why on that line.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'build/**',
      'node_modules/**',
      'prebuilds/**',
      'bench/out/**',
      'lib/record.gen.ts',
      // Planted defects that test/tooling/lint.test.ts lints on purpose.
      'test/tooling/lint-fixtures/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.ts'],
    rules: {
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': ['error', { destructuring: 'all' }],
      'no-throw-literal': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unmodified-loop-condition': 'error',
      'no-constructor-return': 'error',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // TypeScript: the recommended rules, plus the type-aware ones that find real bugs (a promise
  // nobody awaits or catches, a promise tested as a condition, `await` on what is not a promise).
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // node:test's test()/describe() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // An async listener or callback handed to Node's APIs (`server.on(..., async () => ...)`) is
      // the usual shape here, and each one catches its own errors; conditions are still checked.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // Walking a layer chain starts at `this` (`for (let l = this; l; l = l.payload)`); that is not
      // the `const self = this` closure idiom the rule is after.
      '@typescript-eslint/no-this-alias': 'off',
      // `require` is how the addon and optional peers load: the loaders check what they get.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // A layer's fields are accessors that defineAccessors() installs on the prototype at run time from
  // the layer's one declaration (its list of field descriptors); an empty interface of the same name,
  // `interface UDPLayer extends FieldValues<typeof UDP_FIELDS> {}`, derives their types from that
  // list and merges them into the class. That merge is the design, in lib/layers and in the test
  // that shows users how to write their own layer the same way.
  {
    files: ['lib/layers/**/*.ts', 'test/layers/custom-layer.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests match other tools' output literally; a run of spaces there is the format being checked.
      'no-regex-spaces': 'off',
    },
  },
  // lib/ is the public library: no `any` in it (tests and benchmarks may use it to poke at
  // internals). Last, so that the planted defects under test/ get lib/'s rules.
  {
    files: ['lib/**/*.ts', 'test/tooling/lint-fixtures/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
