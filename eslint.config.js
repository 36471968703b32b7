// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Server I/O libraries that must never be imported by pure domain code (house style §3, ../shared/STYLE.md). */
const ioModules = [
  'fastify',
  'fastify-plugin',
  'pg',
  '@electric-sql/pglite',
  'ioredis',
  'socket.io',
  'socket.io-client',
  'node:fs',
  'node:net',
  'node:http',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.data/**', '**/*.bundle.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Pure domain logic: no I/O libraries (tRPC-style no-restricted-imports fence).
    files: ['**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioModules.map((name) => ({ name, message: 'domain/ is pure: do I/O in the edges.' })) },
      ],
    },
  },
  {
    // Tests, the shared test harness, benchmarks and command-line programs may print and use loose test helpers.
    files: [
      '**/*.test.ts',
      '**/test/**/*.ts',
      'packages/testing/**/*.ts',
      '**/bench/**/*.ts',
      '**/cli/**/*.ts',
      'scripts/**/*.ts',
    ],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
