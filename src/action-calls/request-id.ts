// Which Stripe request an action call made. One client serves many concurrent calls of a
// connection, so each call gets its own view of the client: a Proxy whose resource methods (and
// rawRequest) note the request id of what they settle with — `lastResponse.requestId` of a result,
// `requestId` of a StripeError — on that call's record.
//
// Why not AsyncLocalStorage around the SDK's client-wide 'response' event (as before)? On Node 20
// an AsyncLocalStorage turns on V8's promise hooks for the whole process from its first use, so
// every promise of every request (fastify, kysely, the SDK) pays an init hook; perf showed the hook
// on the connector's hot path. This view costs one Proxy per call and one closure per Stripe call.
import Stripe from 'stripe';

export interface CallRecord {
  /** The request id of the last Stripe call of this action call to settle; undefined if none answered. */
  stripeRequestId: string | undefined;
}

function requestIdOfResult(result: unknown): string | undefined {
  const lastResponse = (result as { lastResponse?: { requestId?: unknown } } | null | undefined)?.lastResponse;
  return typeof lastResponse?.requestId === 'string' ? lastResponse.requestId : undefined;
}

function requestIdOfError(error: unknown): string | undefined {
  return error instanceof Stripe.errors.StripeError ? error.requestId : undefined;
}

// The promise is returned to the action untouched (list calls carry auto-pagination methods on
// it); the record is fed from a separate branch whose rejection handler keeps that branch quiet.
function observed(method: (...args: unknown[]) => unknown, self: object, record: CallRecord): (...args: unknown[]) => unknown {
  return (...args) => {
    // The SDK reads `new Error().stack` on every request (StripeResource._makeRequest), only to
    // append the caller's frames to a failure's stack; the connector never shows or logs a stack.
    // Formatting that trace was ≈ 6% of the connector's CPU per getCustomer (perf, bench/actions)
    // and ≈ 25 µs each; with no frames to capture it costs ≈ 2 µs. Restored before anything else runs.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let result: unknown;
    try {
      result = Reflect.apply(method, self, args);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => {
          // The last call to settle wins: after retries (paced-http-client.ts) it is the attempt
          // that decided the outcome, and an action's last call is the one its answer reports.
          record.stripeRequestId = requestIdOfResult(value) ?? record.stripeRequestId;
        },
        (error: unknown) => {
          record.stripeRequestId = requestIdOfError(error) ?? record.stripeRequestId;
        },
      );
    }
    return result;
  };
}

function observedResource<T extends object>(resource: T, record: CallRecord): T {
  return new Proxy(resource, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? observed(value as (...args: unknown[]) => unknown, target, record) : value;
    },
  });
}

// Namespaces (stripe.billing, stripe.v2.core …) are objects holding resources; whether an object is
// one is decided once per object.
const namespaces = new WeakMap<object, boolean>();

function isNamespace(value: object): boolean {
  let known = namespaces.get(value);
  if (known === undefined) {
    // Provisionally not, so that a cycle (the client's internals refer back to the client) ends.
    namespaces.set(value, false);
    known = Object.values(value).some((inner) => inner instanceof Stripe.StripeResource || (inner !== null && typeof inner === 'object' && isNamespace(inner as object)));
    namespaces.set(value, known);
  }
  return known;
}

function observedNamespace<T extends object>(namespace: T, record: CallRecord): T {
  return new Proxy(namespace, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (value instanceof Stripe.StripeResource) return observedResource(value, record);
      if (value !== null && typeof value === 'object' && isNamespace(value)) return observedNamespace(value, record);
      if (property === 'rawRequest' && typeof value === 'function') return observed(value as (...args: unknown[]) => unknown, target, record);
      return value;
    },
  });
}

/** `stripe` as one action call sees it: the same client, with this call's request ids noted on `record`. */
export function observeRequestIds(stripe: Stripe, record: CallRecord): Stripe {
  return observedNamespace(stripe, record);
}
