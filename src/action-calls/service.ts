// Runs one action for one user through one of their connections: the connection is checked for
// ownership, the call counted against the connection's throttle, the body validated against the
// action's input schema, and only then the action's run is called; what run throws becomes the
// answer here, once (./failure.ts). Every call that reaches run is recorded in the run history,
// success or failure; a call refused before (404, 429, 400) is not, so bad input leaves nothing
// stored.
import { performance } from 'node:perf_hooks';
import type { ActionDefinition } from '../connector/define.js';
import { ConnectorError, notFound } from '../errors.js';
import { findTrigger } from '../connector/triggers/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/database.js';
import { newId } from '../ids.js';
import type { ConnectionRow } from '../store/schema.js';
import type { ConnectionService } from '../connections/service.js';
import { stripeRequestIdOf } from '../stripe/errors.js';
import { actionFailure } from './failure.js';
import { deriveIdempotencyKey } from './idempotency.js';
import { compileValidator, type InputValidator } from '../input-validator.js';
import { observeRequestIds, type CallRecord } from './request-id.js';
import { RunRecorder } from './run-recorder.js';
import type { Throttle } from './throttle.js';
import { NO_METRICS, type MetricsRecorder } from '../metrics/recorder.js';

export interface ActionCall {
  userId: string;
  connectionId: string;
  operation: string;
  /** The request body, not yet validated. */
  input: unknown;
  /** The client's Idempotency-Key header, if sent. */
  clientIdempotencyKey?: string | undefined;
  /**
   * The connection as already read for this user (the HTTP auth hook reads it with the token);
   * null: that read found no connection of this user with this id. Undefined: read it here.
   */
  connection?: ConnectionRow | null | undefined;
}

export interface PublishedAction {
  definition: ActionDefinition;
  validator: InputValidator<unknown>;
}

export interface ActionServiceOptions {
  db: Store;
  connections: ConnectionService;
  throttle: Throttle;
  logger: Logger;
  actions: ActionDefinition[];
  /** Calls per connection per window unless the connection sets its own. Default (config) 100. */
  rateLimit: number;
  /** Default (config) 60. */
  rateWindowSeconds: number;
  clock?: () => Date;
  /** Counts each call by operation and outcome, and times the ones that ran. Default none. */
  metrics?: MetricsRecorder;
}

/**
 * The answer to an operation that is not an action. GET /api/operations lists triggers beside
 * actions, so a trigger name is a likely mistake: say what a trigger is and how to subscribe.
 */
function unknownAction(operation: string, connectionId: string): ConnectorError {
  if (findTrigger(operation)) {
    const body = JSON.stringify({ trigger: operation, url: 'https://…' });
    return new ConnectorError(
      404,
      'not_found',
      `"${operation}" is a trigger, not an action: it cannot be run, but its events are delivered to a URL you subscribe with ` +
        `POST /api/connections/${connectionId}/subscriptions ${body}`,
    );
  }
  return new ConnectorError(404, 'not_found', `No action named "${operation}"; GET /api/operations lists the actions`);
}

export class ActionService {
  readonly published: Map<string, PublishedAction>;
  private readonly clock: () => Date;
  private readonly runs: RunRecorder;
  private readonly metrics: MetricsRecorder;

  constructor(private readonly options: ActionServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.metrics = options.metrics ?? NO_METRICS;
    this.runs = new RunRecorder(options.db);
    this.published = new Map(
      options.actions.map((definition) => [definition.name, { definition, validator: compileValidator(definition.input) }]),
    );
  }

  private countNotFound(operation: string, error: unknown): never {
    if (error instanceof ConnectorError && error.status === 404) this.metrics.actionCall(operation, 'not_found');
    throw error;
  }

  /** The action's output. */
  async run(call: ActionCall): Promise<unknown> {
    return (await this.execute(call)).output;
  }

  /**
   * The action's output as JSON text — the same text the run history stores, so the HTTP route sends
   * it without serialising the output a second time — with the id of the run recorded for it, so a
   * client can find the run (the route's Run-Id header). A failure that was recorded carries the id
   * as a `run-id` header of its error.
   */
  async runAsJson(call: ActionCall): Promise<{ outputJson: string; runId: string }> {
    const { outputJson, runId } = await this.execute(call);
    return { outputJson, runId };
  }

  private async execute(call: ActionCall): Promise<{ output: unknown; outputJson: string; runId: string }> {
    const action = this.published.get(call.operation);
    // The operation in the URL is the caller's text: only a known action's name becomes a label.
    if (!action) {
      this.metrics.actionCall('unknown', 'not_found');
      throw unknownAction(call.operation, call.connectionId);
    }
    const connection = call.connection === undefined ? await this.options.connections.owned(call.userId, call.connectionId).catch((error: unknown) => this.countNotFound(call.operation, error)) : call.connection;
    if (!connection || connection.id !== call.connectionId || connection.user_id !== call.userId) {
      this.metrics.actionCall(call.operation, 'not_found');
      throw notFound('connection', call.connectionId);
    }

    const limit = connection.rate_limit ?? this.options.rateLimit;
    const windowSeconds = this.options.rateWindowSeconds;
    const decision = await this.options.throttle.take(connection.id, limit, windowSeconds);
    if (!decision.allowed) {
      this.metrics.actionCall(call.operation, 'throttled');
      throw new ConnectorError(
        429,
        'rate_limited',
        `Connection ${connection.id} is limited to ${limit} action calls per ${windowSeconds} s; retry in ${decision.retryAfterSeconds} s`,
        { limit, windowSeconds, retryAfterSeconds: decision.retryAfterSeconds },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }

    // No body at all reads as {} (an action whose fields are all optional); an explicit null does not.
    let input: unknown;
    try {
      input = action.validator.check(call.input === undefined ? {} : call.input);
    } catch (error) {
      this.metrics.actionCall(call.operation, 'invalid');
      throw error;
    }
    const idempotencyKey = deriveIdempotencyKey(connection.id, call.operation, call.clientIdempotencyKey);
    const stripe = this.options.connections.stripeFor(connection);

    const createdAt = this.clock().toISOString();
    const started = performance.now();
    const record: CallRecord = { stripeRequestId: undefined };
    let output: unknown;
    let failure: ConnectorError | undefined;
    try {
      output = await action.definition.run({ stripe: observeRequestIds(stripe, record), idempotencyKey }, input);
    } catch (error) {
      failure = actionFailure(action.definition, input, error);
      record.stripeRequestId ??= stripeRequestIdOf(error);
      if (failure.status >= 500) {
        this.options.logger.error({ err: error, operation: call.operation, connectionId: connection.id }, 'action failed');
      }
    }
    const elapsedMs = performance.now() - started;
    const durationMs = Math.round(elapsedMs);
    this.metrics.actionCall(call.operation, failure ? 'failed' : 'succeeded', elapsedMs / 1000);
    const outputJson = JSON.stringify(output ?? null);

    const runId = newId('run');
    await this.runs.record({
      id: runId,
      kind: 'action',
      user_id: call.userId,
      connection_id: connection.id,
      operation: call.operation,
      status: failure ? 'failed' : 'succeeded',
      duration_ms: durationMs,
      stripe_request_id: record.stripeRequestId ?? null,
      input,
      ...(failure
        ? { error: { status: failure.status, code: failure.code, message: failure.message } }
        : { output: { value: output ?? null, json: outputJson } }),
      created_at: createdAt,
    });
    if (failure) throw new ConnectorError(failure.status, failure.code, failure.message, failure.details, { ...failure.headers, 'run-id': runId });
    return { output, outputJson, runId };
  }
}
