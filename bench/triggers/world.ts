// What every bench/triggers run starts from: a fresh build of dist/ (the bench measures
// `node dist/cli/main.js serve`, so it must be the source as it stands), the emulator in its own
// process, and the real server with a SQLite DATA_DIR in a temp dir, CALLBACK_ALLOW_PRIVATE on,
// its admin token and master key chosen here so the bench can call its API and read what it sealed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServe, startTsChild, type Child } from './children.js';

/** BENCH_PROFILE_DIR=dir writes a --cpu-prof profile of the connector there. Default: none. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

export interface ConnectorWorld {
  emulator: Child<{ url: string }>;
  connector: Child<{ url: string }>;
  dataDir: string;
  adminToken: string;
  masterKey: Buffer;
  /** An authenticated JSON call to the connector's API; throws on an unexpected status. */
  api<T>(method: string, path: string, body?: unknown, expectStatus?: number): Promise<T>;
  close(): Promise<void>;
}

export function buildDist(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}

export async function startConnectorWorld(extraEnv: Record<string, string> = {}): Promise<ConnectorWorld> {
  const emulator = await startTsChild<{ url: string }>('./emulator-process.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-triggers-'));
  const adminToken = `sct_${randomBytes(24).toString('base64url')}`;
  const masterKey = randomBytes(32);
  const connector = await startServe({
    PATH: process.env.PATH ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    CALLBACK_ALLOW_PRIVATE: 'true',
    STRIPE_CONNECTOR_ADMIN_TOKEN: adminToken,
    STRIPE_CONNECTOR_MASTER_KEY: masterKey.toString('base64'),
    STRIPE_API_BASE: emulator.ready.url,
    ...extraEnv,
  }, PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : []);
  const api = async <T>(method: string, path: string, body?: unknown, expectStatus?: number): Promise<T> => {
    const response = await fetch(`${connector.ready.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (expectStatus !== undefined ? response.status !== expectStatus : response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  return {
    emulator,
    connector,
    dataDir,
    adminToken,
    masterKey,
    api,
    async close() {
      await connector.stop();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function loadNow(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
