// Runs every test file under test/ with Node's own test runner, TypeScript loaded through tsx.
// Node 20's runner does not discover *.test.ts files by itself, so the list is built here.
//
// Two passes: every file on SQLite, then the files that honour TEST_DATABASE_URL (see
// postgres-test-files.mjs) again on a throwaway PostgreSQL server started here (see
// postgres-server.mjs). Arguments are path substrings that narrow both passes.
// TEST_POSTGRES=0 skips the PostgreSQL pass, TEST_POSTGRES=only skips the SQLite pass (default:
// both). A machine without PostgreSQL binaries skips the PostgreSQL pass with one line saying so,
// except under CI (CI=true), where a pass that cannot start fails the run: a CI image that lost its
// binaries must not turn green on half the checks. The exit status fails if either pass fails.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { distIsStale } from './dist-freshness.mjs';
import { startPostgres } from './postgres-server.mjs';
import { filesHonouringTestDatabaseUrl } from './postgres-test-files.mjs';

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// On Ctrl-C or a kill the running tests are stopped; the pass then stops its server in its own
// `finally`, so the server is gone before this process exits (130, as a shell reports SIGINT).
let running;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the tests`);
    running?.kill('SIGTERM');
  });
}

/**
 * Files that start child processes (a killed and restarted server or worker) first: they are the
 * longest (serve-crash ≈ 60 s), and with several files at a time a pass ends sooner when the
 * longest do not start last: the PostgreSQL pass of 16 files took 125–135 s in path order, 67–97 s
 * this way (this 2-core machine, shared, so the spread is load). Both passes run in this order.
 */
function longestFirst(files) {
  const startsProcesses = (file) => /support\/processes|node:child_process/.test(readFileSync(file, 'utf8'));
  return [...files.filter(startsProcesses), ...files.filter((file) => !startsProcesses(file))];
}

/**
 * How long one test FILE may run before node --test cancels it and ends its process. Node 20's
 * --test-timeout bounds each file as a whole (the runner applies it to the file's process, not to
 * each test in it), so this is above the longest file on a loaded 2-core machine (serve-crash:
 * ≈ 60 s alone, up to five restarts through tsx at 20–30 s each when busy) and far below "forever":
 * a before() that fails and leaves a server listening used to hang the run for over 10 minutes.
 */
const FILE_TIMEOUT_MS = 240_000;

/**
 * Files run at once: three in each pass, on this 2-core machine. Much of a file's time is waiting —
 * on a child `serve` starting or restarting, the database server, a delivery's retry, a deadline —
 * not on the CPU: the SQLite pass took 202 s two at a time and 176 s three at a time.
 */
const CONCURRENCY = { sqlite: 3, postgres: 3 };

/** Runs the files through node --test; resolves to its exit status (1 if it died by a signal). */
function runNodeTest(files, extraEnv, concurrency) {
  return new Promise((resolve) => {
    running = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_TIMEOUT_MS}`, '--test-reporter=spec', ...files],
      { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', ...extraEnv } },
    );
    running.on('exit', (code) => {
      running = undefined;
      resolve(code ?? 1);
    });
  });
}

async function postgresPass(files) {
  if (process.env.TEST_POSTGRES === '0') {
    console.log('PostgreSQL pass skipped: TEST_POSTGRES=0');
    return 0;
  }
  const onPostgres = longestFirst(filesHonouringTestDatabaseUrl(files));
  if (onPostgres.length === 0) {
    console.log('PostgreSQL pass skipped: none of these files touches a store (reaches test/support/store-fixture.ts)');
    return 0;
  }
  const startedAt = Date.now();
  let server;
  try {
    server = await startPostgres();
  } catch (error) {
    console.error(`PostgreSQL pass failed: the server did not start: ${error.message}`);
    return 1;
  }
  if (server.skipped) {
    if (process.env.CI === 'true') {
      console.error(`PostgreSQL pass FAILED: CI=true and it cannot run: ${server.skipped}`);
      return 1;
    }
    console.log(`PostgreSQL pass skipped: ${server.skipped}`);
    return 0;
  }
  try {
    if (interrupted) return 1; // signalled while the server started
    console.log(`\nPostgreSQL pass (${server.binDir}, ${server.url}) on ${onPostgres.length} files:\n  ${onPostgres.join('\n  ')}`);
    // The fixture creates and drops its own database per store; this URL is only its way in.
    const status = await runNodeTest(onPostgres, { TEST_DATABASE_URL: server.url }, CONCURRENCY.postgres);
    console.log(`PostgreSQL pass ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    // A deadlock or a refused connection shows in the server's log, not in the test's output.
    if (status !== 0 && !interrupted) console.log(`The PostgreSQL server's last warnings and errors:\n${server.logProblems()}`);
    return status;
  } finally {
    await server.stop();
  }
}

const filter = process.argv.slice(2);
const files = testFiles('test')
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Child processes run the built command (dist/): build it once here when src/ is newer, rather
// than in each test file that needs it.
if (distIsStale('.')) {
  console.log('dist/ is older than src/: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('npm run build failed');
    process.exit(1);
  }
}
// The web console's browser tests (test/console/) drive Debian's Chromium through playwright-core,
// which never downloads a browser. Missing, it is installed here once when the runner is root
// (apt-get, quietly); otherwise those tests skip themselves and say why.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (files.some((f) => f.startsWith(join('test', 'console'))) && !existsSync(chromiumPath)) {
  if (process.getuid?.() === 0 && process.env.CHROMIUM_PATH === undefined) {
    console.log('Chromium is missing: apt-get install -y chromium (for the console browser tests)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (install.status !== 0) console.log('apt-get install chromium failed: the console browser tests will be skipped');
  } else {
    console.log(`No Chromium at ${chromiumPath} and not root: the console browser tests will be skipped (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
}
const sqliteStatus = process.env.TEST_POSTGRES === 'only' ? 0 : await runNodeTest(longestFirst(files), {}, CONCURRENCY.sqlite);
const postgresStatus = interrupted ? 1 : await postgresPass(files);
if (interrupted) process.exit(130);
if (sqliteStatus !== 0) console.error('SQLite pass FAILED');
process.exit(sqliteStatus !== 0 ? sqliteStatus : postgresStatus);
