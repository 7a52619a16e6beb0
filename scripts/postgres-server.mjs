// A throwaway PostgreSQL server for the test run: a fresh cluster in a temp dir, listening on
// 127.0.0.1 only, trusted without a password (nothing else can reach it), thrown away by stop().
//
//   const server = await startPostgres();   // { url, pid, stop } or { skipped: 'why' }
//   startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } })  // more -c settings (benchmarks)
//   ... TEST_DATABASE_URL = server.url ...
//   await server.stop();                      // idempotent; removes the temp dir
//
// The caller must call stop() on every path (finally, SIGINT, SIGTERM); this module cannot see
// the caller's signals. A runner killed with SIGKILL leaves the server behind: nothing can run then.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The major version docs/architecture.md names; another version found on PATH is used with a note. */
const WANTED_MAJOR = 15;
/** How long the server may take to accept connections before the pass fails (default 30 s; ~1 s here). */
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_INTERVAL_MS = 100;
/** How long a shutdown may take before the postmaster is killed (immediate shutdown needs < 1 s). */
const STOP_TIMEOUT_MS = 10_000;
/** A port taken between choosing it and postgres binding it is retried on another port this often. */
const START_ATTEMPTS = 3;
/** The OS user that owns the cluster when this runs as root: initdb and postgres refuse root. */
const SERVER_USER = 'postgres';

// fsync, full-page writes and synchronous commit off: a crash loses the cluster, which is thrown
// away anyway, and each test database's migrations commit dozens of times. max_connections above
// the default 100: two test files at once, each store a pg.Pool of up to 10, plus child servers.
const SERVER_SETTINGS = {
  listen_addresses: '127.0.0.1',
  fsync: 'off',
  full_page_writes: 'off',
  synchronous_commit: 'off',
  max_connections: '300',
  // Every CREATE DATABASE (one per test store) forces a checkpoint; logging each one would bury
  // the lines worth reading in the log tail printed when the pass fails.
  log_checkpoints: 'off',
};

// Only the unix socket (in the temp dir, owned by the server user) and loopback TCP are let in,
// without a password; there is no line for any other address, so every other client is refused.
const HBA_LINES = ['local all all trust', 'host all all 127.0.0.1/32 trust'];

function hasServerBinaries(dir) {
  return ['initdb', 'postgres', 'pg_isready'].every((name) => existsSync(join(dir, name)));
}

function commandOutput(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Debian's versioned layout first, then what pg_config reports, then PATH. */
function findBinDir() {
  const candidates = [
    `/usr/lib/postgresql/${WANTED_MAJOR}/bin`,
    commandOutput('pg_config', ['--bindir']),
    ...(process.env.PATH ?? '').split(delimiter),
  ];
  return candidates.find((dir) => dir && hasServerBinaries(dir));
}

/** The uid/gid to run the server as: ours, unless we are root (then SERVER_USER's). */
function findServerUser() {
  if (process.getuid?.() !== 0) return { ids: undefined };
  const uid = commandOutput('id', ['-u', SERVER_USER]);
  const gid = commandOutput('id', ['-g', SERVER_USER]);
  if (uid === undefined || gid === undefined || Number(uid) === 0) {
    return { skipped: `running as root and no non-root OS user '${SERVER_USER}' to run the server as` };
  }
  return { ids: { uid: Number(uid), gid: Number(gid) } };
}

function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// PostgreSQL's default log line: "2026-11-26 11:40:53.862 UTC [26715] ERROR:  …"; a STATEMENT's
// further lines follow without that prefix.
const LOG_ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] ([A-Z]+):/;
const PROBLEM_LEVELS = new Set(['WARNING', 'ERROR', 'FATAL', 'PANIC', 'DETAIL', 'HINT', 'CONTEXT', 'STATEMENT']);

/**
 * The last `count` lines of the log at WARNING or worse, with their DETAIL and STATEMENT: what
 * explains a failed test (a deadlock, a refused connection). Without the pg_isready polls that
 * met the server still starting, which every start logs.
 */
function problemLines(path, count) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '(no server log)';
  }
  let keeping = false;
  const kept = text.split('\n').filter((line) => {
    const entry = LOG_ENTRY.exec(line);
    if (entry) keeping = PROBLEM_LEVELS.has(entry[1]) && !line.includes('the database system is starting up');
    return keeping;
  });
  return kept.length === 0 ? '(no warnings or errors in the server log)' : kept.slice(-count).join('\n');
}

function lastLines(path, count) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * Starts the server. Resolves to
 *   { url, binDir, logProblems, stop }: url = postgres://postgres@127.0.0.1:PORT/postgres;
 *     logProblems(n) = the server log's last n warning-or-worse lines (default 30), until stop();
 *   { skipped }: why, when this machine has no PostgreSQL binaries or no user to run them as.
 * Rejects (after cleaning up) when the binaries are there but the server does not come up.
 */
export async function startPostgres(options = {}) {
  const binDir = findBinDir();
  if (!binDir) {
    return { skipped: `no PostgreSQL server binaries (initdb, postgres, pg_isready) in /usr/lib/postgresql/${WANTED_MAJOR}/bin, pg_config --bindir or PATH` };
  }
  const user = findServerUser();
  if (user.skipped) return { skipped: user.skipped };
  // Node sets uid/gid (and drops root's supplementary groups) in the child itself, so the server
  // is our direct child: no su/runuser in between to forward signals through.
  const asServerUser = user.ids ?? {};

  const dir = mkdtempSync(join(tmpdir(), 'sc-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (user.ids) chownSync(dir, user.ids.uid, user.ids.gid);

  let postmaster;
  let spawnError; // postgres could not be executed at all (no 'exit' follows)
  let stopped;
  const hasExited = () => spawnError !== undefined || postmaster.exitCode !== null || postmaster.signalCode !== null;
  const stop = () => {
    stopped ??= (async () => {
      if (postmaster && !hasExited()) {
        const exited = new Promise((resolve) => postmaster.once('exit', resolve));
        // SIGQUIT is PostgreSQL's immediate shutdown: it ends every backend at once and skips
        // the checkpoint, which a cluster about to be deleted does not need.
        postmaster.kill('SIGQUIT');
        const inTime = await Promise.race([exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
        if (!inTime) {
          postmaster.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    const init = spawnSync(
      join(binDir, 'initdb'),
      // --no-sync: the same reasoning as fsync=off; C locale: no dependence on the machine's locales.
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { cwd: dir, encoding: 'utf8', ...asServerUser },
    );
    if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}): ${(init.stderr || init.stdout || String(init.error)).trim()}`);
    writeFileSync(join(dataDir, 'pg_hba.conf'), `${HBA_LINES.join('\n')}\n`);
    if (user.ids) chownSync(join(dataDir, 'pg_hba.conf'), user.ids.uid, user.ids.gid);

    for (let attempt = 1; ; attempt += 1) {
      const port = await freeLoopbackPort();
      const settings = Object.entries({ ...SERVER_SETTINGS, ...options.settings, port: String(port), unix_socket_directories: dir });
      const logFd = openSync(logFile, 'a');
      // detached: its own process group, so a terminal's Ctrl-C reaches the runner (which stops the
      // tests, then this server, in that order) rather than the server in the middle of a test.
      postmaster = spawn(join(binDir, 'postgres'), ['-D', dataDir, ...settings.flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
        cwd: dir,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        ...asServerUser,
      });
      postmaster.once('error', (error) => {
        spawnError = error;
      });
      closeSync(logFd);
      if (await acceptsConnections(binDir, port, hasExited)) {
        const logProblems = (lineCount = 30) => problemLines(logFile, lineCount);
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, binDir, pid: postmaster.pid, logProblems, stop };
      }
      if (spawnError) throw new Error(`postgres could not be started: ${spawnError.message}`);
      // Only a port taken between choosing it and postgres binding it is worth another port.
      const portTaken = lastLines(logFile, 5).includes('already in use');
      if (!hasExited() || !portTaken || attempt === START_ATTEMPTS) {
        const within = hasExited() ? '' : ` within ${READY_TIMEOUT_MS} ms`;
        throw new Error(`PostgreSQL did not accept connections on 127.0.0.1:${port}${within}; its log ends:\n${lastLines(logFile, 15)}`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls pg_isready until the server accepts connections; false if it exits or times out first. */
async function acceptsConnections(binDir, port, hasExited) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) return false;
    const ready = spawnSync(join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-t', '1']);
    if (ready.status === 0) return true;
    await delay(READY_POLL_INTERVAL_MS);
  }
  return false;
}
