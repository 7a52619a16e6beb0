// Fault injection, per account (the account of the Bearer key that set it), so connections
// running side by side in one emulator do not disturb each other. A rule fires either for a share
// of what it matches (drawn from the account's seedable random source) or for the next N matches.
//
// Request faults act before the endpoint runs, so nothing is created and an idempotent retry of
// the same request runs for real: `error` answers a 5xx api_error, `rate_limit` a 429 (with
// `Stripe-Should-Retry: true|false` when set, without it otherwise), `delay` waits `delayMs`
// before the request runs (several delay rules add up; the server's interceptor hook waits). Webhook faults act on deliveries as they are
// queued: `drop`, `duplicate`, `reorder`.
import { defineStore, type Account } from '../account.js';
import { newId } from '../ids.js';
import type { Interceptor } from '../state.js';
import { StripeApiError, rateLimited } from '../wire/errors.js';
import { seededRandom, type RandomSource } from './seeded-random.js';

export const REQUEST_FAULTS = ['error', 'delay', 'rate_limit'] as const;
export const WEBHOOK_FAULTS = ['webhook_drop', 'webhook_duplicate', 'webhook_reorder'] as const;
export type RequestFaultKind = (typeof REQUEST_FAULTS)[number];
export type WebhookFaultKind = (typeof WEBHOOK_FAULTS)[number];

export interface FaultRule {
  readonly id: string;
  readonly kind: RequestFaultKind | WebhookFaultKind;
  /** Fires for this share (0–1) of matches; null when `remaining` counts instead. */
  readonly share: number | null;
  /** Fires for the next N matches; null when `share` decides. */
  remaining: number | null;
  /** Requests only: matches paths starting with this (e.g. /v1/charges); null matches all. */
  readonly pathPrefix: string | null;
  /** delay: how long the answer is held back. */
  readonly delayMs: number | null;
  /** error: the 5xx status, default 500. */
  readonly status: number | null;
  /** error and rate_limit: the Stripe-Should-Retry header; null sends none. */
  readonly shouldRetry: boolean | null;
  /** How many requests or deliveries it matched, and how many of those it hit. */
  matched: number;
  fired: number;
}

export type NewFaultRule = Omit<FaultRule, 'id' | 'matched' | 'fired'>;

/** A fixed default seed keeps a run without `seed` repeatable too. */
export const DEFAULT_SEED = 1;

export class AccountFaults {
  rules: FaultRule[] = [];
  seed = DEFAULT_SEED;
  private random: RandomSource = seededRandom(DEFAULT_SEED);

  reseed(seed: number): void {
    this.seed = seed;
    this.random = seededRandom(seed);
  }

  add(rule: NewFaultRule): FaultRule {
    const full: FaultRule = { ...rule, id: newId('flt'), matched: 0, fired: 0 };
    this.rules.push(full);
    return full;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Counts the match and decides whether the rule fires this time. */
  fires(rule: FaultRule): boolean {
    rule.matched++;
    let hit: boolean;
    if (rule.remaining !== null) {
      hit = rule.remaining > 0;
      if (hit) rule.remaining--;
    } else {
      hit = this.random() < (rule.share ?? 0);
    }
    if (hit) rule.fired++;
    return hit;
  }
}

export const faultStore = defineStore('faults', () => new AccountFaults());

export interface RequestFault {
  /** Answer this instead of running the endpoint. */
  error?: StripeApiError;
  /** Hold the answer back this long. */
  delayMs: number;
}

const NO_FAULT: RequestFault = { delayMs: 0 };

function shouldRetryHeader(rule: FaultRule): Record<string, string> {
  return rule.shouldRetry === null ? {} : { 'Stripe-Should-Retry': String(rule.shouldRetry) };
}

/** The fault for one API request; the rules are tried in the order they were added. */
export function requestFault(account: Account, pathname: string): RequestFault {
  const faults = account.store(faultStore);
  if (faults.rules.length === 0) return NO_FAULT;
  let delayMs = 0;
  for (const rule of faults.rules) {
    if (rule.kind !== 'error' && rule.kind !== 'delay' && rule.kind !== 'rate_limit') continue;
    if (rule.pathPrefix !== null && !pathname.startsWith(rule.pathPrefix)) continue;
    if (!faults.fires(rule)) continue;
    if (rule.kind === 'delay') {
      delayMs += rule.delayMs ?? 0;
    } else if (rule.kind === 'rate_limit') {
      return { error: new StripeApiError(429, rateLimited().body, shouldRetryHeader(rule)), delayMs };
    } else {
      const error = new StripeApiError(
        rule.status ?? 500,
        { type: 'api_error', message: 'An unknown error occurred while processing your request. (injected fault)' },
        shouldRetryHeader(rule),
      );
      return { error, delayMs };
    }
  }
  return delayMs === 0 ? NO_FAULT : { delayMs };
}

/** Request faults as the server's interceptor: undefined (untouched) unless a rule fires. */
export const faultInterceptor: Interceptor = (request) => {
  const fault = requestFault(request.account, request.path);
  return fault === NO_FAULT ? undefined : fault;
};

/** The webhook fault for one delivery as it is queued, if any rule fires. */
export function webhookFault(account: Account): { kind: WebhookFaultKind; rule: FaultRule } | undefined {
  const faults = account.store(faultStore);
  for (const rule of faults.rules) {
    if (rule.kind !== 'webhook_drop' && rule.kind !== 'webhook_duplicate' && rule.kind !== 'webhook_reorder') continue;
    if (faults.fires(rule)) return { kind: rule.kind, rule };
  }
  return undefined;
}

export function renderFaultRule(rule: FaultRule): object {
  return {
    id: rule.id,
    object: 'emulator.fault',
    kind: rule.kind,
    share: rule.share,
    remaining: rule.remaining,
    path_prefix: rule.pathPrefix,
    delay_ms: rule.delayMs,
    status: rule.status,
    should_retry: rule.shouldRetry,
    matched: rule.matched,
    fired: rule.fired,
  };
}
