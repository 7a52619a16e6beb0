// Request and response schemas of the connector's own routes (TypeBox). The same objects validate
// requests (through src/action-calls/input-validator.ts) and are published in /openapi.json.
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../page-size.js';
import { Type, type Static } from '@sinclair/typebox';
import type { CreatedSubscription as CreatedSubscriptionView, SubscriptionView } from '../trigger-sources/subscriptions.js';
import { DeliverySchema, UserDeliverySchema } from '../delivery/delivery-view.js';
import { RunSchema } from '../run-history/run-view.js';
import type { IssuedToken as IssuedTokenView, TokenView } from '../users/own-tokens.js';
import type { CreatedUserView } from '../users/new-user.js';
import { USER_NAME_MAX_LENGTH } from '../users/user-name.js';
import { RULE, wholeNumberText } from '../input-validator.js';

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

export const NewConnectionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    apiKey: Type.String({ minLength: 1, maxLength: 600, description: 'sk_… or rk_…; never returned' }),
    apiBase: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Default: STRIPE_API_BASE' })),
    apiVersion: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.[a-z]+)?$',
        [RULE]: 'must be a Stripe API version: a date YYYY-MM-DD, optionally followed by a dot and a lowercase name, e.g. 2026-10-28.endive',
        description: 'Default: the SDK pinned version',
      }),
    ),
    rateLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Action calls per window; default ACTION_RATE_LIMIT' })),
  },
  { additionalProperties: false },
);

export const KeyRefused = Type.Object({
  at: Type.String({ format: 'date-time' }),
  message: Type.String(),
});

export const Connection = Type.Object({
  id: Type.String(),
  name: Type.String(),
  mode: Type.Union([Type.Literal('test'), Type.Literal('live')]),
  keyHint: Type.String({ examples: ['sk_test_…abcd'] }),
  apiBase: Type.String(),
  apiVersion: Type.Union([Type.String(), Type.Null()]),
  rateLimit: Type.Union([Type.Integer(), Type.Null()]),
  keyCheck: Type.Union([Type.Literal('verified'), Type.Literal('restricted')]),
  createdAt: Type.String({ format: 'date-time' }),
  keyRefused: Type.Union([KeyRefused, Type.Null()], { description: 'set when Stripe answered 401 to a call with the key; null once a later call succeeded' }),
});

export const ConnectionList = Type.Object({ data: Type.Array(Connection) });

export const Deleted = Type.Object({ id: Type.String(), deleted: Type.Literal(true) });

/** A page's size as a query parameter (runs, deliveries, subscriptions): 1–1000, default 100. */
const PageLimit = wholeNumberText({ minimum: 1, maximum: MAX_PAGE_SIZE }, { description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` });

export const RunsQuery = Type.Object(
  {
    connection: Type.Optional(Type.String({ maxLength: 100 })),
    operation: Type.Optional(Type.String({ maxLength: 100 })),
    status: Type.Optional(Type.Union([Type.Literal('succeeded'), Type.Literal('failed')])),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'started at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'started before this time' })),
    limit: Type.Optional(PageLimit),
    startingAfter: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'A run id from the previous page (its last): the next, older page. Default: the newest' }),
    ),
  },
  { additionalProperties: false },
);

export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
    limit: Type.Optional(PageLimit),
    startingAfter: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "A delivery id from the previous page (its last): the next, older page. Default: the newest" }),
    ),
  },
  { additionalProperties: false },
);

const deliveryFilterFields = {
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
  connection: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'one of your connections' })),
  subscription: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'one of your subscriptions' })),
  trigger: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a trigger name, e.g. customerAdded' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'created before this time' })),
};

export const UserDeliveriesQuery = Type.Object(
  {
    ...deliveryFilterFields,
    limit: Type.Optional(PageLimit),
    startingAfter: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'A delivery id from the previous page (its last): the next, older page. Default: the newest' }),
    ),
  },
  { additionalProperties: false },
);

export const BulkRetryBody = Type.Object(
  {
    ...deliveryFilterFields,
    preview: Type.Optional(Type.Boolean({ description: 'true: answer how many deliveries match now, and change nothing' })),
  },
  { additionalProperties: false },
);

export const StreamQuery = Type.Object(
  {
    connection: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'only this connection (one of yours)' })),
    subscription: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "only this subscription's deliveries and attempts (one of yours)" })),
  },
  { additionalProperties: false },
);

export const BulkRetryPreview = Type.Object({ count: Type.Integer({ minimum: 0, description: 'deliveries matching now' }) });

export const UserDeliveryList = Type.Object({
  data: Type.Array(UserDeliverySchema, { description: 'newest first; without attemptsHistory' }),
  hasMore: Type.Boolean({ description: 'older deliveries follow: ask again with startingAfter = the last id' }),
});

export const DeliveryList = Type.Object({
  data: Type.Array(DeliverySchema, { description: 'newest first' }),
  hasMore: Type.Boolean({ description: 'older deliveries follow: ask again with startingAfter = the last id' }),
});

export const Subscription = Type.Object({
  id: Type.String(),
  trigger: Type.String(),
  connection: Type.String(),
  url: Type.String(),
  mode: Type.Union([Type.Literal('poll'), Type.Literal('webhook'), Type.Literal('hybrid')]),
  pollIntervalSeconds: Type.Integer(),
  since: Type.String({ format: 'date-time' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')]),
  createdAt: Type.String({ format: 'date-time' }),
  counts: Type.Object(
    { delivered: Type.Integer({ minimum: 0 }), failed: Type.Integer({ minimum: 0 }), pending: Type.Integer({ minimum: 0 }) },
    { description: 'its deliveries by status now' },
  ),
});

export const CreatedSubscription = Type.Composite([
  Subscription,
  Type.Object({ secret: Type.String({ description: 'whsec_…: verifies the Standard Webhooks signature of each event; shown this once', examples: ['whsec_…'] }) }),
]);

export const SubscriptionsQuery = Type.Object(
  {
    connection: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "only this connection's (one of yours)" })),
    limit: Type.Optional(PageLimit),
    startingAfter: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'A subscription id from the previous page (its last): the next, older page. Default: the newest' }),
    ),
  },
  { additionalProperties: false },
);

export const SubscriptionList = Type.Object({
  data: Type.Array(Subscription, { description: 'newest first' }),
  hasMore: Type.Boolean({ description: 'older subscriptions follow: ask again with startingAfter = the last id' }),
});

// The subscription service builds its answers without these schemas (triggers/ knows nothing of
// http/); these compile-time checks fail the type check the day the two shapes part.
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const subscriptionSchemaMatchesView: SameShape<Static<typeof Subscription>, SubscriptionView> = true;
export const createdSchemaMatchesView: SameShape<Static<typeof CreatedSubscription>, CreatedSubscriptionView> = true;

export const StripeWebhookReceived = Type.Object({
  received: Type.Literal(true),
  duplicate: Type.Optional(Type.Literal(true, { description: 'an event id already taken in: nothing done' })),
});

export const RunList = Type.Object({
  data: Type.Array(RunSchema, { description: 'newest first' }),
  hasMore: Type.Boolean({ description: 'older runs follow: ask again with startingAfter = the last id' }),
});

export const NewUserBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: USER_NAME_MAX_LENGTH, description: 'surrounding spaces are removed; not only spaces' }),
    admin: Type.Optional(Type.Boolean({ description: 'an admin may create users; default false' })),
  },
  { additionalProperties: false },
);

export const CreatedUser = Type.Object({
  id: Type.String(),
  name: Type.String(),
  token: Type.String({ description: "the new user's API token (sct_…); shown this once", examples: ['sct_…'] }),
});

// POST /api/tokens takes no fields; an absent or empty body is the same as {}.
export const NewTokenBody = Type.Object({}, { additionalProperties: false });

export const IssuedToken = Type.Object({
  id: Type.String(),
  token: Type.String({ description: 'the new API token (sct_…); shown this once', examples: ['sct_…'] }),
});

export const Token = Type.Object({
  id: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean({ description: 'the token this request was made with' }),
});

export const TokenList = Type.Object({ data: Type.Array(Token, { description: 'oldest first' }) });

export const tokenSchemaMatchesView: SameShape<Static<typeof Token>, TokenView> = true;
export const issuedSchemaMatchesView: SameShape<Static<typeof IssuedToken>, IssuedTokenView> = true;
export const createdUserSchemaMatchesView: SameShape<Static<typeof CreatedUser>, CreatedUserView> = true;

export const Operation = Type.Object({
  kind: Type.Union([Type.Literal('action'), Type.Literal('trigger')]),
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  input: Type.Unknown({ description: 'JSON Schema' }),
  output: Type.Unknown({ description: 'JSON Schema' }),
});

export const OperationList = Type.Object({ data: Type.Array(Operation) });

export const Health = Type.Object({ status: Type.Literal('ok') });
