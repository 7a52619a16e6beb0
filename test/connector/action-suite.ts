// One table of action cases, run against every peer (the emulator and stripe-stateful-mock). A
// peer that deviates from Stripe on a case says so by name: either the case is skipped with the
// reason printed, or a labelled test asserts the deviating behaviour, so a fix upstream shows up
// as a failing "deviation" test rather than going unnoticed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { actionFailure } from '../../src/action-calls/failure.js';
import { actions } from '../../src/connector/actions/index.js';
import type { ActionContext, ActionDefinition } from '../../src/connector/define.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { ConnectorError } from '../../src/errors.js';
import type { Peer, PeerName, RunningPeer } from './peers.js';

export interface ActionHarness {
  peer: PeerName;
  /** The peer's base URL, for building other clients (another key). */
  apiBase: string;
  /** The client the actions use, also for arranging and checking state directly. */
  stripe: Stripe;
  /** Runs an action as the action service does (runAction), with a fresh idempotency key unless given. */
  run(name: string, input: unknown, idempotencyKey?: string): Promise<Record<string, unknown>>;
  /** Runs an action that must fail; returns the ConnectorError. */
  runFailing(name: string, input: unknown): Promise<ConnectorError>;
}

export interface ActionCase {
  name: string;
  body(harness: ActionHarness): Promise<void>;
  /** Per peer: why it deviates from Stripe here, and optionally a test of what it does instead. */
  deviations?: Partial<Record<PeerName, { reason: string; actual?: (harness: ActionHarness) => Promise<void> }>>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);

/** The registered action of this name. */
export function actionNamed(name: string): ActionDefinition {
  const action = actions.find((candidate) => candidate.name === name);
  assert.ok(action, `no action ${name}`);
  return action;
}

/** Runs an action's `run`, its failure answered as the action service answers it (actionFailure). */
export async function runAction(name: string, ctx: ActionContext, input: unknown): Promise<Record<string, unknown>> {
  const action = actionNamed(name);
  try {
    return (await action.run(ctx, input)) as Record<string, unknown>;
  } catch (error) {
    throw actionFailure(action, input, error);
  }
}

/** Fails unless `value` satisfies the action's documented output schema exactly. */
export function assertMatchesOutputSchema(actionName: string, value: unknown): void {
  const action = actionNamed(actionName);
  const validate = ajv.compile(action.output as TSchema);
  assert.ok(validate(value), `${actionName} output breaks its schema: ${ajv.errorsText(validate.errors)}`);
}

export function runActionSuite(peer: Peer, cases: ActionCase[]): void {
  describe(`actions against ${peer.name}`, () => {
    let running: RunningPeer;
    let harness: ActionHarness;

    before(async () => {
      running = await peer.start();
      const stripe = createStripeClient({
        apiKey: `sk_test_actionsSuite${randomUUID().replaceAll('-', '')}`,
        apiBase: running.url,
        // The suite runs cases one after another; the limiter has its own tests.
        requestsPerSecond: false,
        retryPolicy: { initialDelayMs: 10, maxDelayMs: 50 },
      });
      const run = (name: string, input: unknown, idempotencyKey: string = randomUUID()) => runAction(name, { stripe, idempotencyKey }, input);
      harness = {
        peer: peer.name,
        apiBase: running.url,
        stripe,
        run,
        async runFailing(name, input) {
          try {
            await run(name, input);
          } catch (error) {
            assert.ok(error instanceof ConnectorError, `expected a ConnectorError, got ${String(error)}`);
            return error;
          }
          assert.fail(`${name} succeeded but should have failed`);
        },
      };
    });

    after(async () => {
      await running?.stop();
    });

    for (const actionCase of cases) {
      const deviation = actionCase.deviations?.[peer.name];
      if (!deviation) {
        test(actionCase.name, () => actionCase.body(harness));
      } else if (deviation.actual) {
        const actual = deviation.actual;
        test(`${actionCase.name} — DEVIATION of ${peer.name}: ${deviation.reason}`, () => actual(harness));
      } else {
        test(`${actionCase.name} — DEVIATION of ${peer.name}`, { skip: deviation.reason }, () => {});
      }
    }
  });
}
