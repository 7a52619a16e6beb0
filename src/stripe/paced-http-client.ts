// The transport under every Stripe client the connector builds: each HTTP attempt (retries
// included — Stripe counts every request) first takes a slot from the account's limiter, and
// retryable answers are retried here by the one retry policy.
//
// Why not the SDK's own maxNetworkRetries (stripe-node's RequestSender._shouldRetry)? It does
// honour Stripe-Should-Retry, but without that header it (a) never retries a 429, which is
// exactly the rate-limit answer we must back off from, (b) retries every 409, so a taken
// product id (resource_already_exists) would be retried for nothing, and (c) fixes its backoff
// at 0.5 s..5 s with no way to shorten it in tests. Retrying at this layer also keeps the limiter
// in front of every attempt. The SDK's maxNetworkRetries stays 0.
import Stripe from 'stripe';
import { nextRetryDelayMs, type RetryPolicy } from './retry-policy.js';
import { MAX_STALE_ADMISSIONS, systemClock, type Clock, type SlidingWindowLimiter } from './rate-limiter.js';
import type { StripeAnswer } from '../metrics/recorder.js';

type MakeRequest = InstanceType<typeof Stripe.HttpClient>['makeRequest'];
type HttpClientResponse = Awaited<ReturnType<MakeRequest>>;
type RequestHeaders = Parameters<MakeRequest>[4];

export interface PacedHttpClientOptions {
  limiter: SlidingWindowLimiter | null;
  retryPolicy: RetryPolicy;
  clock?: Clock;
  /** Told of every attempt's answer (for /metrics). `path` is as sent, ids and query included. Default none. */
  observe?: (method: string, path: string, answer: StripeAnswer) => void;
}

export class PacedHttpClient extends Stripe.HttpClient {
  private readonly inner = Stripe.createNodeHttpClient();

  constructor(private readonly options: PacedHttpClientOptions) {
    super();
  }

  override getClientName(): string {
    return 'stripe-connector';
  }

  override async makeRequest(
    host: string,
    port: string,
    path: string,
    method: string,
    headers: RequestHeaders,
    requestData: string,
    protocol: string,
    timeout: number,
  ): Promise<HttpClientResponse> {
    const clock = this.options.clock ?? systemClock;
    for (let retriesSoFar = 0; ; retriesSoFar += 1) {
      if (this.options.limiter) await admitFresh(this.options.limiter);
      let response: HttpClientResponse;
      try {
        response = await this.inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
      } catch (error) {
        const timedOut = (error as { code?: unknown }).code === Stripe.HttpClient.TIMEOUT_ERROR_CODE;
        this.options.observe?.(method, path, timedOut ? 'timeout' : 'network_error');
        const delayMs = nextRetryDelayMs({ kind: 'network_error', timedOut }, retriesSoFar, this.options.retryPolicy);
        if (delayMs === null) throw timedOut ? error : attemptsExhausted(error, retriesSoFar + 1);
        await clock.sleepMs(delayMs);
        continue;
      }
      this.options.observe?.(method, path, response.getStatusCode());
      const shouldRetryHeader = response.getHeaders()['stripe-should-retry'];
      const delayMs = nextRetryDelayMs(
        { kind: 'response', status: response.getStatusCode(), shouldRetryHeader: typeof shouldRetryHeader === 'string' ? shouldRetryHeader : undefined },
        retriesSoFar,
        this.options.retryPolicy,
      );
      if (delayMs === null) return response.getStatusCode() >= 400 ? new ErrorBodyGuard(response) : response;
      // The body of a response we drop must still be drained, or its socket is never reused.
      (response.getRawResponse() as NodeJS.ReadableStream).resume();
      await clock.sleepMs(delayMs);
    }
  }
}

/**
 * The SDK resends once more, whatever maxNetworkRetries says, when the error's code is
 * ECONNRESET/EPIPE (stripe-node#1040, for stale keep-alive sockets); that would restart this whole
 * loop and double the attempts. The code is replaced so the stated attempt count holds.
 */
function attemptsExhausted(error: unknown, attempts: number): Error {
  const exhausted = new Error(`no answer after ${attempts} attempt(s)`, { cause: error }) as Error & { code: string };
  exhausted.code = 'ESTRIPEUNREACHABLE';
  return exhausted;
}

/**
 * Fail closed on a failure status without Stripe's `{"error": …}` body (a proxy, a misconfigured
 * apiBase): the SDK would otherwise hand that body to the caller as if it were the object asked for.
 */
class ErrorBodyGuard extends Stripe.HttpClientResponse {
  constructor(private readonly inner: HttpClientResponse) {
    super(inner.getStatusCode(), inner.getHeaders());
  }

  override getRawResponse(): unknown {
    return this.inner.getRawResponse();
  }

  override toStream(streamCompleteCallback: () => void): unknown {
    return this.inner.toStream(streamCompleteCallback);
  }

  override async toJSON(): Promise<unknown> {
    const body = (await this.inner.toJSON()) as { error?: unknown } | null;
    if (body && typeof body === 'object' && body.error) return body;
    return { error: { type: 'api_error', message: `HTTP ${this.getStatusCode()} without a Stripe error body` } };
  }
}

/** Waits for an admission that is still fresh when the request goes out (MAX_ADMISSION_AGE_MS). */
async function admitFresh(limiter: SlidingWindowLimiter): Promise<void> {
  for (let stale = 0; ; stale += 1) {
    if (limiter.isFresh(await limiter.acquire()) || stale >= MAX_STALE_ADMISSIONS) return;
  }
}
