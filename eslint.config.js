import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importBoundaries from './eslint/import-boundaries.js';
import noImportCycle from './eslint/no-import-cycle.js';

// Every folder of src/ below the entry points (app, http, cli): what the connector's definitions
// must know nothing of.
const RUNTIME = ['src/app', 'src/http', 'src/cli', 'src/store', 'src/action-calls', 'src/trigger-sources', 'src/delivery', 'src/connections', 'src/users', 'src/run-history', 'src/power-automate', 'src/background', 'src/emulator', 'src/metrics'];

// The parts that report metrics: they see the recorder interface (src/metrics/recorder.ts) only.
const METRICS_PRODUCERS = ['src/action-calls', 'src/trigger-sources', 'src/delivery', 'src/connections', 'src/stripe', 'src/store'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', Buffer: 'readonly', AbortController: 'readonly', fetch: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The web console runs in the browser (src/console/tsconfig.json: lib dom): its globals, not Node's.
    files: ['src/console/**/*.ts'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', crypto: 'readonly', Headers: 'readonly', URLSearchParams: 'readonly',
        TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', HTMLElement: 'readonly', HTMLInputElement: 'readonly',
        HTMLSelectElement: 'readonly', Event: 'readonly', Storage: 'readonly', ReadableStream: 'readonly',
      },
    },
    rules: { 'no-restricted-globals': ['error', 'process', 'Buffer', 'require'] },
  },
  {
    // All SQL lives in src/store/ (one module per table or operation); the rest of the connector
    // calls those modules and sees only the Store type and row types, never the query builder or
    // a driver. Type-only imports count too: a kysely type outside the store is SQL leaking out.
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...['kysely', 'better-sqlite3', 'pg'].map((name) => ({
              name,
              message: 'Queries live in src/store/: add or use a module there (types: Store from src/store/database.ts, rows from src/store/schema.ts).',
            })),
            {
              name: 'prom-client',
              message: 'Metrics are made in src/metrics/: report through the MetricsRecorder interface (src/metrics/recorder.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // src/metrics/ is where prom-client is used (and the store is not: see the rule above).
    files: ['src/metrics/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['kysely', 'better-sqlite3', 'pg'].map((name) => ({ name, message: 'src/metrics reads nothing itself: the outbox gauges get their readers from src/app/services.ts.' })) },
      ],
    },
  },
  {
    // The dependency rule (docs/architecture.md), as lint: a wrong import fails `npm run lint`.
    files: ['src/**/*.ts'],
    plugins: { project: { rules: { 'import-boundaries': importBoundaries, 'no-import-cycle': noImportCycle } } },
    rules: {
      'project/no-import-cycle': ['error', { root: 'src' }],
      'project/import-boundaries': [
        'error',
        [
          {
            from: 'src/connector',
            forbid: RUNTIME,
            because: 'the definitions are typed data and pure functions; the runtime imports them, never the reverse',
          },
          {
            from: 'src/http',
            forbid: ['src/store'],
            allowTypeImports: true,
            because: 'routes call the services (src/app/services.ts); only row types may come from the store',
          },
          {
            from: 'src/cli',
            forbid: ['src/store', 'src/action-calls', 'src/trigger-sources', 'src/delivery'],
            allowTypeImports: true,
            because: 'the CLI calls the HTTP API, or the services for the commands that run locally',
          },
          {
            from: 'src/console',
            onlyWithin: ['src/console'],
            because: 'the web console runs in the browser and reaches the server only through its HTTP API',
          },
          {
            from: 'src/emulator',
            onlyWithin: ['src/emulator'],
            because: 'the emulator stands in for Stripe and shares nothing with the connector but the stripe SDK\'s types',
          },
          {
            from: 'src/store',
            forbid: RUNTIME.filter((folder) => folder !== 'src/store'),
            allowTypeImports: false,
            because: 'the store runs queries for the services; it does not call them',
          },
          {
            from: 'src/connections',
            forbid: ['src/action-calls', 'src/trigger-sources', 'src/delivery', 'src/http', 'src/cli', 'src/app'],
            because: 'connections hold keys; actions and triggers use them, not the reverse',
          },
          {
            from: 'src/metrics',
            onlyWithin: ['src/metrics'],
            because: 'the metrics know nothing of the parts that report them; they are handed readers and recorder calls',
          },
          ...METRICS_PRODUCERS.map((from) => ({
            from,
            forbid: ['src/metrics/registry.ts', 'src/metrics/cluster.ts', 'src/metrics/stripe-path.ts'],
            because: 'producers report through the MetricsRecorder interface (src/metrics/recorder.ts), never prom-client or the registry',
          })),
          {
            from: 'src/run-history',
            forbid: ['src/action-calls', 'src/http', 'src/cli', 'src/app'],
            because: 'the run history reads what the action and delivery services recorded, through the store',
          },
        ],
      ],
    },
  },
);
