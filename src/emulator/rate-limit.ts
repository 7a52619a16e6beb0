// Stripe's per-account request rate limit (25 requests per second in test mode, 100 live), as a
// fixed one-second window of emulated time: the 26th request within one emulated second is a 429.

export class RateWindow {
  private windowSecond = -1;
  private count = 0;

  /** True when this request fits within `perSecond` for the current emulated second. */
  admit(nowMs: number, perSecond: number): boolean {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.windowSecond) {
      this.windowSecond = second;
      this.count = 0;
    }
    this.count++;
    return this.count <= perSecond;
  }

  reset(): void {
    this.windowSecond = -1;
    this.count = 0;
  }
}
