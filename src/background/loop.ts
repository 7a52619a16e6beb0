// The one shape of the connector's background loops (poll scheduler, hybrid reconciler, delivery
// worker's claims): a round of work, then a pause, until stop(). Each loop keeps its own timing in
// what its round returns; what they share lives here: one round at a time, wake() to look now,
// stop() that waits for the round under way, and a growing pause after failed rounds.
import { exponentialDelayMs } from '../backoff.js';
import type { Logger } from '../log.js';

/** What a round asks of the loop: the pause before the next one, or 'idle' for the loop's idle pause. */
export type RoundResult = { nextDelayMs: number } | 'idle';

/** Default cap of the pause after consecutive failed rounds: 30 s (see BackgroundLoopOptions.maxFailureDelayMs). */
export const DEFAULT_MAX_FAILURE_DELAY_MS = 30_000;

export interface BackgroundLoopOptions {
  /** One round of work. A round that throws is logged and retried after a growing pause. */
  round(): Promise<RoundResult>;
  /** Pause after a round that answered 'idle', unless woken. Required: each loop has its own tick. */
  idleDelayMs: number;
  /** Pause after the first failed round; doubles per consecutive failure. Default idleDelayMs. */
  firstFailureDelayMs?: number;
  /**
   * Ceiling of that pause. Default DEFAULT_MAX_FAILURE_DELAY_MS (30 s): a store or Stripe that
   * comes back is used again within 30 s, while one that stays down is asked (and logged about)
   * twice a minute rather than on every tick — 240 times a minute at the worker's 250 ms.
   */
  maxFailureDelayMs?: number;
  /** The log message of a failed round, e.g. 'poll round failed'. */
  failureMessage: string;
  logger?: Logger | undefined;
}

export class BackgroundLoop {
  /** The loop since the last start(); `stopped` once stop() was called. */
  private current: { stopped: boolean; done: Promise<void> } | undefined;
  /** Set by wake() during a round: the next round follows at once, however many wakes came. */
  private wakeRequested = false;
  /** Ends the pause under way (a wake or a stop). */
  private endPause: (() => void) | undefined;
  private failures = 0;

  constructor(private readonly options: BackgroundLoopOptions) {}

  /** Runs the first round at once, then round after round until stop(). */
  start(): void {
    if (this.current && !this.current.stopped) return;
    // After a stop() still under way, the first round waits for that loop's last one.
    const previous = this.current?.done ?? Promise.resolve();
    const session = { stopped: false, done: Promise.resolve() };
    session.done = previous.then(() => this.run(session));
    this.current = session;
  }

  /** No round starts after this; resolves once the round under way, if any, has finished. */
  async stop(): Promise<void> {
    const session = this.current;
    if (!session) return;
    session.stopped = true;
    this.endPause?.();
    await session.done;
  }

  /** Runs the next round now: ends the pause, or (during a round) skips the pause after it. No effect when stopped. */
  wake(): void {
    if (!this.current || this.current.stopped) return;
    if (this.endPause) this.endPause();
    else this.wakeRequested = true;
  }

  private async run(session: { stopped: boolean }): Promise<void> {
    this.wakeRequested = false;
    while (!session.stopped) {
      this.wakeRequested = false;
      const delayMs = await this.roundAndDelay();
      if (session.stopped) return;
      if (this.wakeRequested) continue;
      await this.pause(delayMs);
    }
  }

  /** Runs one round; returns the pause that should follow it. */
  private async roundAndDelay(): Promise<number> {
    try {
      const result = await this.options.round();
      this.failures = 0;
      return result === 'idle' ? this.options.idleDelayMs : result.nextDelayMs;
    } catch (error) {
      this.failures += 1;
      const retryInMs = exponentialDelayMs({
        failures: this.failures,
        firstDelayMs: this.options.firstFailureDelayMs ?? this.options.idleDelayMs,
        maxDelayMs: this.options.maxFailureDelayMs ?? DEFAULT_MAX_FAILURE_DELAY_MS,
      });
      this.options.logger?.error({ err: error, failures: this.failures, retryInMs }, this.options.failureMessage);
      return retryInMs;
    }
  }

  private pause(delayMs: number): Promise<void> {
    if (delayMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endPause?.(), delayMs);
      this.endPause = () => {
        clearTimeout(timer);
        this.endPause = undefined;
        resolve();
      };
    });
  }
}
