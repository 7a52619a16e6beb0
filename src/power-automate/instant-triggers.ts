// Instant (webhook) triggers for Power Automate and Logic Apps: the platform POSTs its callback URL
// when a flow with the trigger is turned on, and DELETEs the Location it was answered with when the
// trigger is removed. The subscription is an ordinary one (src/trigger-sources/subscriptions.ts) with the
// callback URL as its url, so the URL guard, the per-connection checks, durable delivery with
// retries and the delivery history all apply; Azure's callback hosts are public addresses.
import { Type, type Static } from '@sinclair/typebox';
import { compileValidator } from '../input-validator.js';
import { ConnectorError, invalidInput, type FieldProblem } from '../errors.js';
import { MAX_URL_LENGTH, MAX_POLL_INTERVAL_SECONDS, MIN_POLL_INTERVAL_SECONDS } from '../trigger-sources/subscription-body.js';
import type { CreatedSubscription, SubscriptionService } from '../trigger-sources/subscriptions.js';
import { DEFAULT_HOOK_MODE } from './routes-paths.js';

export const InstantTriggerBody = Type.Object(
  {
    callbackUrl: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH }),
    mode: Type.Optional(Type.Union([Type.Literal('hybrid'), Type.Literal('webhook'), Type.Literal('poll')])),
    pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: MIN_POLL_INTERVAL_SECONDS, maximum: MAX_POLL_INTERVAL_SECONDS })),
  },
  { additionalProperties: false },
);

const instantTriggerBody = compileValidator<Static<typeof InstantTriggerBody>>(InstantTriggerBody);

/** The subscription made for the trigger; its secret is left out (the platform cannot verify signatures). */
export async function subscribeInstantTrigger(
  subscriptions: SubscriptionService,
  userId: string,
  connectionId: string,
  trigger: string,
  body: unknown,
): Promise<Omit<CreatedSubscription, 'secret'>> {
  const input = instantTriggerBody.check(body ?? {});
  try {
    const { secret: _secret, ...view } = await subscriptions.create(userId, connectionId, {
      trigger,
      url: input.callbackUrl,
      mode: input.mode ?? DEFAULT_HOOK_MODE,
      ...(input.pollIntervalSeconds === undefined ? {} : { pollIntervalSeconds: input.pollIntervalSeconds }),
    });
    return view;
  } catch (error) {
    // The subscription service names the URL `url`; here the caller sent it as callbackUrl.
    if (error instanceof ConnectorError && error.code === 'invalid_input' && Array.isArray(error.details)) {
      throw invalidInput((error.details as FieldProblem[]).map((p) => (p.field === 'url' ? { ...p, field: 'callbackUrl' } : p)));
    }
    throw error;
  }
}
