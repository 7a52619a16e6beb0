// The emulator's HTTP front: node:http with a hand-written pipeline rather than fastify, to keep
// the per-request path short — the target is ≥ 5,000 customer creates/s through the SDK at 20
// concurrent requests on a 2-core machine shared with the client. Measured with bare servers
// answering a fixed customer to the SDK (24,000 creates, 20 concurrent): node:http spent about
// 2 s of CPU, fastify about 3 s — a third more server time per request for nothing we use.
// Here: body → control API or authentication → interceptors; the rest is api-pipeline.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { handleApi } from './api-pipeline.js';
import { authenticate } from './auth.js';
import { handleControl } from './control/control-pipeline.js';
import { newRequestId } from './ids.js';
import type { Pipeline } from './pipeline.js';
import { requestLogStore } from './request-log.js';
import { errorAnswer, headerValue, type Answer } from './wire/answer.js';
import { StripeApiError, internalError } from './wire/errors.js';

/** Larger bodies are refused with 413: 1 MiB is far above anything these resources take. */
const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/_emulator/';

export function createEmulatorServer(pipeline: Pipeline): Server {
  const server = createServer((req, res) => {
    const receivedAtMs = Date.now();
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
      const answer = handle(pipeline, req, body, requestId, receivedAtMs);
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

function handle(pipeline: Pipeline, req: IncomingMessage, body: string, requestId: string, receivedAtMs: number): Answer | Promise<Answer> {
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
  const requestLog = account.store(requestLogStore);
  const proceed = (): Answer => {
    const answer =
      interception?.error !== undefined
        ? errorAnswer(interception.error)
        : guarded(() => handleApi(pipeline, req, credential, account, method, pathname, query, body, requestId));
    requestLog.add({ method, path: pathname, status: answer.status, receivedAtMs, answeredAtMs: Date.now() });
    return answer;
  };
  if (interception?.delayMs !== undefined && interception.delayMs > 0) {
    const delayMs = interception.delayMs;
    return new Promise((resolve) => setTimeout(() => resolve(proceed()), delayMs));
  }
  return proceed();
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
