// A control API request (/_emulator/…): not Stripe's API, so no rate limit or idempotency; bodies
// may be JSON or form encoded; account operations authenticate like the Stripe API.
import type { IncomingMessage } from 'node:http';
import { authenticate } from '../auth.js';
import type { Pipeline } from '../pipeline.js';
import type { Answer } from '../wire/answer.js';
import { StripeApiError, restrictedKeyDenied, unrecognizedUrl } from '../wire/errors.js';
import { parseForm } from '../wire/form.js';
import { Params } from '../wire/params.js';
import type { ControlContext } from './control-context.js';

export function handleControl(
  pipeline: Pipeline,
  req: IncomingMessage,
  method: string,
  pathname: string,
  query: string,
  body: string,
): Answer {
  const match = pipeline.control.match(method, pathname);
  if (match === undefined) throw unrecognizedUrl(method, pathname);
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
