// The emulator's own clock. Every time the emulator shows or compares (`created`, event times,
// idempotency-key expiry, rate-limit windows, event retention) comes from here, so tests can set
// and advance time instead of sleeping.

export interface ClockOptions {
  /** Emulated time at start, in ms since the epoch. Default: the real time. */
  startMs?: number;
  /** Stand still until set or advanced. Default false: emulated time runs with real time. */
  frozen?: boolean;
}

export class EmulatedClock {
  /** Emulated ms minus real ms while running; the emulated ms itself while frozen. */
  private offsetMs: number;
  private frozenAtMs: number | undefined;

  constructor(options: ClockOptions = {}, private readonly realNowMs: () => number = Date.now) {
    const start = options.startMs ?? realNowMs();
    this.offsetMs = start - realNowMs();
    this.frozenAtMs = options.frozen ? start : undefined;
  }

  nowMs(): number {
    return this.frozenAtMs ?? this.realNowMs() + this.offsetMs;
  }

  /** Unix seconds, as Stripe writes `created`. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  get frozen(): boolean {
    return this.frozenAtMs !== undefined;
  }

  setMs(ms: number): void {
    if (this.frozenAtMs !== undefined) this.frozenAtMs = ms;
    else this.offsetMs = ms - this.realNowMs();
  }

  advanceMs(ms: number): void {
    this.setMs(this.nowMs() + ms);
  }

  freeze(): void {
    this.frozenAtMs ??= this.nowMs();
  }

  unfreeze(): void {
    if (this.frozenAtMs === undefined) return;
    this.offsetMs = this.frozenAtMs - this.realNowMs();
    this.frozenAtMs = undefined;
  }
}
