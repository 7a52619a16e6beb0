// The LISTEN side of wake-ups (wake-ups.ts): one dedicated PostgreSQL connection per process with a
// delivery worker, outside the pool, calling onWake for each notification. A lost connection (a
// failover, a restart of PostgreSQL) is opened again after a growing pause; the outage is logged
// once when it starts and once when it ends, never per attempt, and never stops the process. Once
// listening again it wakes the worker, since notifications sent meanwhile were lost.
import pg from 'pg';
import { exponentialDelayMs } from '../../backoff.js';
import type { Logger } from '../../log.js';
import { DELIVERIES_CHANNEL } from './wake-ups.js';

export interface WakeUpListenerOptions {
  databaseUrl: string;
  onWake(): void;
  logger?: Logger | undefined;
  /** Pause before the first reconnection; doubles per failed one. Default 500 ms. */
  firstRetryDelayMs?: number;
  /** Ceiling of that pause. Default 30 s: as the background loops' pause after failures. */
  maxRetryDelayMs?: number;
}

export class WakeUpListener {
  private client: pg.Client | undefined;
  private stopped = true;
  /** Consecutive failed connections; > 0 during an outage. */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WakeUpListenerOptions) {}

  /** Resolves once the first connection listens or has failed (retried in the background then). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // keepAlive: a connection whose server vanished without a FIN (a failover) is noticed and
    // replaced rather than listening to nothing for ever. A connect timeout (10 s), so that an
    // address that swallows packets fails the attempt and the next one is made.
    const client = new pg.Client({ connectionString: this.options.databaseUrl, keepAlive: true, connectionTimeoutMillis: 10_000 });
    // Listeners before connect(): an 'error' event without one would stop the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', () => this.options.onWake());
    this.client = client;
    try {
      await client.connect();
      await client.query(`listen ${DELIVERIES_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.failures > 0) {
      this.options.logger?.info({ channel: DELIVERIES_CHANNEL, failedAttempts: this.failures }, 'delivery wake-ups: listening again');
      this.failures = 0;
      this.options.onWake();
    }
  }

  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client) return; // already replaced, or stopped
    this.client = undefined;
    client.removeAllListeners('notification');
    client.on('error', () => undefined); // late errors of a client given up
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.failures += 1;
    if (this.failures === 1) {
      this.options.logger?.warn(
        { err: error, channel: DELIVERIES_CHANNEL },
        'delivery wake-ups: lost the PostgreSQL connection; reconnecting in the background, deliveries are still found by polling',
      );
    }
    const delayMs = exponentialDelayMs({
      failures: this.failures,
      firstDelayMs: this.options.firstRetryDelayMs ?? 500,
      maxDelayMs: this.options.maxRetryDelayMs ?? 30_000,
    });
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
    this.retryTimer.unref();
  }
}
