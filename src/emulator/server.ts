// The emulator's HTTP front: node:http with a hand-written pipeline rather than fastify, to keep
// the per-request path short — the issue asks ≥ 5,000 customer creates/s through the SDK at 20
// concurrent requests on a 2-core machine shared with the client. Order of checks, as Stripe:
// authentication → (interceptors) → rate limit → route → restricted-key permission →
// idempotency → parameters → handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { authenticate, type Credential } from './auth.js';
import type { Account } from './account.js';
import type { RequestContext, Route } from './context.js';
import type { ControlContext, ControlRoute } from './control/control-context.js';
import { renderEvent, type EventRecord } from './events/event-log.js';
import type { Expanders } from './expand.js';
import { IDEMPOTENCY_KEY_MAX_CHARS, IDEMPOTENCY_KEY_TTL_MS, isReplayable } from './idempotency.js';
import { newId, newRequestId } from './ids.js';
import type { Router } from './router.js';
import type { EmulatorState } from './state.js';
import {
  StripeApiError,
  idempotencyEndpointMismatch,
  idempotencyMismatch,
  internalError,
  invalidValue,
  rateLimited,
  restrictedKeyDenied,
  unrecognizedUrl,
} from './wire/errors.js';
import { parseForm } from './wire/form.js';
import { Params } from './wire/params.js';

/** Larger bodies are refused with 413: 1 MiB is far above anything these resources take. */
const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/_emulator/';

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface Pipeline {
  state: EmulatorState;
  api: Router<Route>;
  control: Router<ControlRoute>;
  expanders: Expanders;
}

export function createEmulatorServer(pipeline: Pipeline): Server {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const requestId = newRequestId();
      if (size > MAX_BODY_BYTES) {
        send(res, req, errorAnswer(new StripeApiError(413, { type: 'invalid_request_error', message: 'Request body too large.' })), requestId);
        return;
      }
      const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const answer = handle(pipeline, req, body, requestId);
      // Only an interceptor's delay makes an answer asynchronous; the common path stays synchronous.
      if (answer instanceof Promise) answer.then((a) => send(res, req, a, requestId), () => send(res, req, errorAnswer(internalError()), requestId));
      else send(res, req, answer, requestId);
    });
  });
  // Stripe clients keep connections alive; a longer idle timeout than Node's 5 s avoids
  // reconnect churn under benchmark load.
  server.keepAliveTimeout = 65_000;
  return server;
}

function handle(pipeline: Pipeline, req: IncomingMessage, body: string, requestId: string): Answer | Promise<Answer> {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const guarded = (run: () => Answer): Answer => {
    try {
      return run();
    } catch (error) {
      if (error instanceof StripeApiError) return errorAnswer(error);
      // Never a stack trace or request data in the answer or the log: the message only.
      console.error(`emulator: internal error on ${method} ${pathname}: ${error instanceof Error ? error.message : String(error)}`);
      return errorAnswer(internalError());
    }
  };
  if (pathname.startsWith(CONTROL_PREFIX)) return guarded(() => handleControl(pipeline, req, method, pathname, query, body));
  const { state } = pipeline;
  const credential = authenticate(req.headers.authorization, {
    allowLiveKeys: state.settings.allowLiveKeys,
    apiKeys: state.settings.apiKeys,
  });
  if (credential instanceof StripeApiError) return errorAnswer(credential);
  const account = state.accounts.forKey(credential.accountKey);
  // Fault injection (a later part) answers or delays chosen requests here, after authentication.
  const interception = state.intercept({ account, method, path: pathname });
  const proceed = (): Answer =>
    interception?.error !== undefined
      ? errorAnswer(interception.error)
      : guarded(() => handleApi(pipeline, req, credential, account, method, pathname, query, body, requestId));
  if (interception?.delayMs !== undefined && interception.delayMs > 0) {
    const delayMs = interception.delayMs;
    return new Promise((resolve) => setTimeout(() => resolve(proceed()), delayMs));
  }
  return proceed();
}

function handleApi(
  pipeline: Pipeline,
  req: IncomingMessage,
  credential: Credential,
  account: Account,
  method: string,
  pathname: string,
  query: string,
  body: string,
  requestId: string,
): Answer {
  const { state } = pipeline;
  const nowMs = state.clock.nowMs();
  const limit = state.settings.rateLimitPerSecond;
  if (limit !== false && !account.rateWindow.admit(nowMs, limit)) return errorAnswer(rateLimited());

  const match = pipeline.api.match(method, pathname);
  if (match === undefined || (match.route.feature === 'orders' && !account.ordersEnabled)) {
    return errorAnswer(unrecognizedUrl(method, pathname));
  }
  const route = match.route;
  checkPermission(credential, account, route);

  const idempotencyKey = method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
  if (idempotencyKey !== undefined) {
    if (idempotencyKey.length > IDEMPOTENCY_KEY_MAX_CHARS) {
      throw invalidValue('Idempotency-Key', `Idempotency key length must be at most ${IDEMPOTENCY_KEY_MAX_CHARS} characters.`);
    }
    const stored = account.idempotency.get(idempotencyKey, nowMs);
    if (stored !== undefined) {
      if (stored.method !== method || stored.path !== pathname) {
        throw idempotencyEndpointMismatch(idempotencyKey, stored.path, pathname);
      }
      if (stored.fingerprint !== body) throw idempotencyMismatch(idempotencyKey);
      return {
        status: stored.status,
        body: stored.body,
        headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key': idempotencyKey },
      };
    }
  }

  let answer: Answer;
  try {
    const params = new Params(parseForm(method === 'POST' ? body : query));
    const expand = params.stringArray('expand') ?? [];
    const ctx = requestContext(state, account, params, match.path, requestId, idempotencyKey, nowMs);
    const result = route.handler(ctx);
    if (!params.finished) throw new Error(`handler for ${route.method} ${route.path} did not check its parameters`);
    if (expand.length > 0) pipeline.expanders.apply(account, result, expand);
    answer = { status: 200, body: JSON.stringify(result) };
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    answer = errorAnswer(error);
  }
  if (idempotencyKey !== undefined) {
    answer.headers = { ...answer.headers, 'Idempotency-Key': idempotencyKey };
    if (isReplayable(answer.status)) {
      account.idempotency.put(
        idempotencyKey,
        {
          method,
          path: pathname,
          fingerprint: body,
          status: answer.status,
          body: answer.body,
          expiresAtMs: nowMs + IDEMPOTENCY_KEY_TTL_MS,
        },
        nowMs,
      );
    }
  }
  return answer;
}

function checkPermission(credential: Credential, account: Account, route: Route): void {
  if (credential.access === 'restricted' && route.method !== 'GET') {
    throw restrictedKeyDenied(credential.redacted, account.id, `rak_${route.permission}_write`);
  }
}

function requestContext(
  state: EmulatorState,
  account: Account,
  params: Params,
  path: Record<string, string>,
  requestId: string,
  idempotencyKey: string | undefined,
  nowMs: number,
): RequestContext {
  const now = Math.floor(nowMs / 1000);
  return {
    account,
    params,
    path,
    now,
    requestId,
    idempotencyKey,
    emulator: state,
    emit(type, record, render, previous) {
      const event: EventRecord = {
        id: newId('evt'),
        created: now,
        seq: account.nextSeq(),
        type,
        record,
        previous,
        render: render as (r: unknown) => object,
        requestId,
        idempotencyKey: idempotencyKey ?? null,
        pendingWebhooks: 0,
      };
      account.events.append(event);
      if (state.hasEventListeners) state.publish(account, renderEvent(event));
    },
  };
}

function handleControl(
  pipeline: Pipeline,
  req: IncomingMessage,
  method: string,
  pathname: string,
  query: string,
  body: string,
): Answer {
  const match = pipeline.control.match(method, pathname);
  if (match === undefined) return errorAnswer(unrecognizedUrl(method, pathname));
  const raw = method === 'POST' ? parseControlBody(req, body) : parseForm(query);
  const params = new Params(raw);
  const ctx: ControlContext = {
    emulator: pipeline.state,
    params,
    path: match.path,
    account() {
      const credential = authenticate(req.headers.authorization, {
        allowLiveKeys: pipeline.state.settings.allowLiveKeys,
        apiKeys: pipeline.state.settings.apiKeys,
      });
      if (credential instanceof StripeApiError) throw credential;
      if (credential.access !== 'secret') {
        throw restrictedKeyDenied(credential.redacted, pipeline.state.accounts.forKey(credential.accountKey).id, 'rak_emulator_control_write');
      }
      return pipeline.state.accounts.forKey(credential.accountKey);
    },
  };
  const result = match.route.handler(ctx);
  if (!params.finished) throw new Error(`control handler for ${method} ${pathname} did not check its parameters`);
  return { status: 200, body: JSON.stringify(result) };
}

/** JSON bodies are turned into the string form Params reads, so one reader serves both encodings. */
function parseControlBody(req: IncomingMessage, body: string): Record<string, unknown> {
  if (!(req.headers['content-type'] ?? '').includes('application/json')) return parseForm(body);
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    throw new StripeApiError(400, { type: 'invalid_request_error', message: 'Invalid JSON body.' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StripeApiError(400, { type: 'invalid_request_error', message: 'The JSON body must be an object.' });
  }
  return stringifyLeaves(parsed) as Record<string, unknown>;
}

function stringifyLeaves(value: unknown): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(stringifyLeaves);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, stringifyLeaves(v)]));
  }
  return String(value);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorAnswer(error: StripeApiError): Answer {
  return { status: error.status, body: JSON.stringify(error.toJSON()), headers: error.headers };
}

function send(res: ServerResponse, req: IncomingMessage, answer: Answer, requestId: string): void {
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(answer.body),
    'Request-Id': requestId,
    // Stripe echoes the version a request asked for, else the account's (here: the SDK's pinned one).
    'Stripe-Version': headerValue(req, 'stripe-version') ?? Stripe.API_VERSION,
    ...answer.headers,
  };
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
