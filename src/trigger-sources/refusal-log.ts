// Warnings about refused inbound webhooks, bounded. Anyone can POST /webhooks/stripe/{anything}
// (no token: the signature is the authentication), so a line per refusal would let a stranger
// fill the log at the server's request rate. Instead: at most one line per reason per window
// (default 10 s), carrying how many refusals of that reason were not written since the previous
// line; a caller-chosen connection id is written only in a bounded, sanitised form.
import type { Logger } from '../log.js';

/** At most one warning line per reason per this many ms. Default 10 s. */
export const DEFAULT_REFUSAL_LOG_WINDOW_MS = 10_000;

/** Characters of a malformed id kept in a log line: enough to recognise it, too few to carry a payload. */
const SHOWN_ID_CHARACTERS = 16;

/**
 * A caller-chosen id as a log line may show it: a well-formed one whole, anything else cut to its
 * first 16 characters, each outside [A-Za-z0-9_-] replaced by "?", with its length.
 */
export function idForLog(raw: string, wellFormed: boolean): string {
  if (wellFormed) return raw;
  const shown = raw.slice(0, SHOWN_ID_CHARACTERS).replace(/[^A-Za-z0-9_-]/g, '?');
  return raw.length > SHOWN_ID_CHARACTERS ? `${shown}… (${raw.length} characters)` : shown;
}

export class RefusalLog {
  private readonly lastLineMs = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly logger: Logger | undefined,
    private readonly message: string,
    private readonly windowMs: number = DEFAULT_REFUSAL_LOG_WINDOW_MS,
  ) {}

  /** `reason` is one of a few fixed texts (it keys the window); `fields` hold nothing unbounded from the caller. */
  note(reason: string, fields: Record<string, unknown>, nowMs: number): void {
    if (!this.logger) return;
    const last = this.lastLineMs.get(reason);
    if (last !== undefined && nowMs - last < this.windowMs) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return;
    }
    const suppressed = this.suppressed.get(reason) ?? 0;
    this.suppressed.delete(reason);
    this.lastLineMs.set(reason, nowMs);
    this.logger.warn({ reason, ...fields, suppressedSinceLastLine: suppressed, windowSeconds: this.windowMs / 1000 }, this.message);
  }
}
