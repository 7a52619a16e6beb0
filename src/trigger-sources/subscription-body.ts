// The body of POST /api/connections/{id}/subscriptions as one TypeBox schema: it validates the
// request (through compileValidator, so every bad field is named at once), and the same object is
// published in /openapi.json and, narrowed to one trigger, as that trigger's input in
// GET /api/operations. What a schema cannot say — the URL guard on resolved addresses, `since` not
// in the future, which modes this server can serve — stays in the subscription service.
import { Type, type TObject } from '@sinclair/typebox';
import { compileValidator } from '../input-validator.js';
import { triggers } from '../connector/triggers/index.js';
import type { SubscriptionMode } from '../store/schema.js';

/** The original connector's interval. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 120;
/** Poll intervals go down to 1 s (the original connector's fixed 120 s is only the default). */
export const MIN_POLL_INTERVAL_SECONDS = 1;
/** One day: a slower poll would make its lookback and Stripe's 30-day event retention meaningless. */
export const MAX_POLL_INTERVAL_SECONDS = 86_400;
/** Default mode of a new subscription. */
export const DEFAULT_MODE: SubscriptionMode = 'poll';
/** Browsers and most proxies stop at about 2,000 characters; a subscriber URL has no reason to be longer. */
export const MAX_URL_LENGTH = 2048;

export interface NewSubscription {
  trigger: string;
  url: string;
  /** Default DEFAULT_MODE ('poll'). */
  mode?: SubscriptionMode | undefined;
  /** Default DEFAULT_POLL_INTERVAL_SECONDS (120). */
  pollIntervalSeconds?: number | undefined;
  /** ISO 8601: deliver objects created since then (a backfill). Default: from now on. */
  since?: string | undefined;
}

/** The body schema accepting any of `triggerNames` (one name: that trigger's own input). */
export function subscriptionBodySchema(triggerNames: readonly string[]): TObject {
  const literals = triggerNames.map((name) => Type.Literal(name));
  return Type.Object(
    {
      trigger: literals.length === 1 ? literals[0]! : Type.Union(literals),
      url: Type.String({
        minLength: 1,
        maxLength: MAX_URL_LENGTH,
        description:
          'http(s) URL that receives each event as a signed POST; loopback and private addresses only when the server sets CALLBACK_ALLOW_PRIVATE',
      }),
      mode: Type.Optional(
        Type.Union([Type.Literal('poll'), Type.Literal('webhook'), Type.Literal('hybrid')], {
          default: DEFAULT_MODE,
          description: 'poll: list endpoints every pollIntervalSeconds; webhook: Stripe pushes events; hybrid: webhook plus a reconciling poll of /v1/events',
        }),
      ),
      pollIntervalSeconds: Type.Optional(
        Type.Integer({ minimum: MIN_POLL_INTERVAL_SECONDS, maximum: MAX_POLL_INTERVAL_SECONDS, default: DEFAULT_POLL_INTERVAL_SECONDS }),
      ),
      since: Type.Optional(
        Type.String({
          format: 'date-time',
          description: 'Deliver objects created since then (a backfill, not in the future); default: from now on',
          examples: ['2026-11-26T05:00:00Z'],
        }),
      ),
    },
    { additionalProperties: false },
  );
}

/** The validator of the request body: any known trigger. Its `schema` is the one published. */
export const newSubscriptionBody = compileValidator<NewSubscription>(subscriptionBodySchema(triggers.map((t) => t.name)));
