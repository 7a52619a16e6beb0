// One delivery attempt: POST the event's JSON with its Standard Webhooks headers to the subscriber.
// A 2xx ends it. A 3xx is a failure — redirects are not followed, since the new location was never
// checked (url-guard.ts) and a signed body must not be replayed to a third party. The URL is checked
// again right before sending and the socket connects to the address that passed, so a DNS answer
// that changed since the subscription was made cannot redirect the request inward.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ConnectorError } from '../errors.js';
import { checkSubscriberUrl, type CheckedTarget, type UrlGuardOptions } from './url-guard.js';
import { RESPONSE_SNIPPET_BYTES, responseSnippet } from './response-snippet.js';
import type { DeliveryHeaders } from './signing.js';


/** An answer later than 10 s counts as none and is retried (docs/triggers.md). Covers connecting, the request and the response head. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

/**
 * Read of an answer at most. An answer that ends within it ends on its own and its keep-alive socket
 * is reused; the rest of a longer one is not waited for (its socket is dropped). Default 1 KiB.
 */
const ANSWER_READ_BYTES = 1024;

export interface SendOptions extends UrlGuardOptions {
  /** Default DEFAULT_SEND_TIMEOUT_MS (10_000 ms). */
  timeoutMs?: number;
  /** Keep-alive agents, shared by default so that many deliveries to one subscriber reuse sockets. */
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
  /** The URL check. Default checkSubscriberUrl on every send; the worker passes a cached one (url-guard.ts). */
  check?: (url: string, options: UrlGuardOptions) => Promise<CheckedTarget>;
}

export interface SendResult {
  /** True for a 2xx answer, and only then. */
  delivered: boolean;
  /** The subscriber's HTTP status, null when none came (refused URL, connection error, timeout). */
  status: number | null;
  durationMs: number;
  /** The start of a failed attempt's answer (response-snippet.ts), for history; null for a success. */
  responseSnippet: string | null;
  /** Why it was not delivered, in words for history; null when delivered. */
  error: string | null;
}

/** A delivery counts as delivered on a 2xx answer, and only then. */
export function isDeliveredStatus(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** Connection errors before any answer after which the request is sent once more, at once. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

const sharedHttpAgent = new http.Agent({ keepAlive: true });
const sharedHttpsAgent = new https.Agent({ keepAlive: true });

export async function sendDelivery(
  url: string,
  body: string,
  headers: DeliveryHeaders,
  options: SendOptions = {},
): Promise<SendResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);

  let target;
  try {
    target = await (options.check ?? checkSubscriberUrl)(url, options);
  } catch (error) {
    const message = error instanceof ConnectorError ? error.message : 'subscriber URL refused';
    return { delivered: false, status: null, durationMs: elapsed(), responseSnippet: null, error: message };
  }

  const { address, family } = target;
  // Node may ask for every address (autoSelectFamily); either way it gets the one that was checked.
  const pinnedLookup = ((_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;

  const isHttps = target.url.protocol === 'https:';
  const transport = isHttps ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };

    let request: http.ClientRequest;
    // Set once the status line is in: the answer is known, only its body is still being read.
    let concludeAnswer: (() => void) | undefined;
    const timer = setTimeout(() => {
      if (concludeAnswer) concludeAnswer();
      else finish({ delivered: false, status: null, responseSnippet: null, error: `no answer within ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);

    const sendOnce = (retried: boolean) => {
      request = transport.request(target.url, {
        method: 'POST',
        // The one retry goes on a connection of its own: another idle socket of the pool may be as stale.
        agent: retried ? false : isHttps ? (options.httpsAgent ?? sharedHttpsAgent) : (options.httpAgent ?? sharedHttpAgent),
        lookup: pinnedLookup,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'stripe-connector',
          ...headers,
        },
      });

      request.on('error', (error: NodeJS.ErrnoException) => {
        // A connection the subscriber reset before any answer — most often a keep-alive socket it
        // closed just as this request went out — is tried once more at once. Harmless even if the
        // first copy was taken in: it has the same webhook-id, and delivery is at least once anyway.
        if (!retried && !settled && concludeAnswer === undefined && RESET_CODES.has(error.code ?? '')) {
          sendOnce(true);
          return;
        }
        finish({
          delivered: false,
          status: null,
          responseSnippet: null,
          error: `could not reach the subscriber: ${error.code ?? error.message}`,
        });
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const conclude = () => {
          const delivered = isDeliveredStatus(status);
          let error: string | null = null;
          if (status >= 300 && status < 400) {
            error = `answered ${status} (redirect${response.headers.location ? ` to ${response.headers.location}` : ''}); redirects are not followed`;
          } else if (!delivered) {
            error = `answered ${status}`;
          }
          finish({ delivered, status, responseSnippet: responseSnippet(delivered, Buffer.concat(chunks)), error });
        };
        concludeAnswer = conclude;
        response.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_SNIPPET_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size > ANSWER_READ_BYTES) {
            conclude();
            response.destroy();
          }
        });
        response.on('end', conclude);
        response.on('error', conclude);
      });

      request.end(body);
    };
    sendOnce(false);
  });
}
