// One Stripe API request after authentication: rate limit → route → restricted-key permission →
// idempotency → parameters → handler → expand, as Stripe orders its checks.
import type { IncomingMessage } from 'node:http';
import type { Account } from './account.js';
import type { Credential } from './auth.js';
import type { RequestContext, Route } from './context.js';
import { renderEvent, type EventRecord } from './events/event-log.js';
import { IDEMPOTENCY_KEY_MAX_CHARS, IDEMPOTENCY_KEY_TTL_MS, isReplayable } from './idempotency.js';
import { newId } from './ids.js';
import type { Pipeline } from './pipeline.js';
import type { EmulatorState } from './state.js';
import { errorAnswer, headerValue, type Answer } from './wire/answer.js';
import {
  StripeApiError,
  idempotencyEndpointMismatch,
  idempotencyMismatch,
  invalidValue,
  rateLimited,
  restrictedKeyDenied,
  unrecognizedUrl,
} from './wire/errors.js';
import { parseForm } from './wire/form.js';
import { Params } from './wire/params.js';

export function handleApi(
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
