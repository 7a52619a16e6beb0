// The Power Automate / Logic Apps surface (docs/power-automate.md): the custom connector's files
// as a download, the polling triggers (202/200 + Retry-After + Location) and the instant triggers'
// subscribe call. Their unsubscribe is DELETE /api/subscriptions/{id}, the Location of the 201.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator, wholeNumberText } from '../../input-validator.js';
import { findTrigger } from '../../connector/triggers/index.js';
import type { TriggerDefinition } from '../../connector/define.js';
import { notFound } from '../../errors.js';
import type { ConnectionRow } from '../../store/schema.js';
import { MAX_POLL_INTERVAL_SECONDS, MIN_POLL_INTERVAL_SECONDS } from '../../trigger-sources/subscription-body.js';
import { buildPowerAutomateExport } from '../../power-automate/export-bundle.js';
import { subscribeInstantTrigger } from '../../power-automate/instant-triggers.js';
import { PollingTriggers, type PollAnswer } from '../../power-automate/polling-triggers.js';
import { EXPORT_PATH, hookPath, pollPath } from '../../power-automate/routes-paths.js';
import { parsePublicUrl } from '../../power-automate/public-url.js';
import { zipFiles } from '../../power-automate/zip.js';

export const PollQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The state a previous answer’s Location carries' })),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'First call only: also answer objects created since then' })),
    pollIntervalSeconds: Type.Optional(
      wholeNumberText(
        { minimum: MIN_POLL_INTERVAL_SECONDS, maximum: MAX_POLL_INTERVAL_SECONDS },
        { description: `First call only: ${MIN_POLL_INTERVAL_SECONDS}–${MAX_POLL_INTERVAL_SECONDS}, default 120` },
      ),
    ),
  },
  { additionalProperties: false },
);
const pollQuery = compileValidator<Static<typeof PollQuery>>(PollQuery, { prefix: 'query' });

export const ExportQuery = Type.Object(
  { publicUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'Where Power Automate reaches this server; default PUBLIC_URL' })) },
  { additionalProperties: false },
);
const exportQuery = compileValidator<Static<typeof ExportQuery>>(ExportQuery, { prefix: 'query' });

type TriggerParams = { connectionId: string; trigger: string };

function triggerOf(name: string): TriggerDefinition {
  const trigger = findTrigger(name);
  if (!trigger) throw notFound('trigger', name);
  return trigger;
}

/** The auth hook read the connection with the token; null is an unknown id or another user's. */
function ownedConnection(connection: ConnectionRow | null | undefined, id: string): ConnectionRow {
  if (!connection) throw notFound('connection', id);
  return connection;
}

export function registerPowerAutomateRoutes(app: FastifyInstance, services: Services): void {
  const polling = new PollingTriggers({ db: services.db, stripeFor: (row) => services.connections.stripeFor(row) });

  app.get(EXPORT_PATH, async (request, reply) => {
    const query = exportQuery.check({ ...(request.query as object) });
    const files = buildPowerAutomateExport(query.publicUrl ?? services.publicUrl(), 'query.publicUrl');
    return reply
      .type('application/zip')
      .header('content-disposition', 'attachment; filename="stripe-connector-power-automate.zip"')
      .send(zipFiles(files));
  });

  const answer = (reply: FastifyReply, connectionId: string, trigger: string, result: PollAnswer) => {
    const origin = parsePublicUrl(services.publicUrl(), 'PUBLIC_URL').origin;
    void reply
      .code(result.status)
      .header('location', `${origin}${pollPath(encodeURIComponent(connectionId), trigger)}?state=${encodeURIComponent(result.stateId)}`)
      .header('retry-after', String(result.retryAfterSeconds));
    return result.status === 200 ? reply.send(result.items) : reply.send();
  };

  app.get<{ Params: TriggerParams }>(pollPath(':connectionId', ':trigger'), { config: { ownedConnectionParam: 'connectionId' } }, async (request, reply) => {
    const query = pollQuery.check({ ...(request.query as object) });
    const trigger = triggerOf(request.params.trigger);
    const connection = ownedConnection(request.ownedConnection, request.params.connectionId);
    // A Location carries only the state; since and pollIntervalSeconds were fixed by the first call.
    const result =
      query.state === undefined
        ? await polling.start(request.userId, connection, trigger, {
            since: query.since,
            pollIntervalSeconds: query.pollIntervalSeconds === undefined ? undefined : Number(query.pollIntervalSeconds),
          })
        : await polling.poll(request.userId, connection, trigger, query.state);
    return answer(reply, connection.id, trigger.name, result);
  });

  app.post<{ Params: TriggerParams }>(hookPath(':connectionId', ':trigger'), async (request, reply) => {
    const trigger = triggerOf(request.params.trigger);
    const view = await subscribeInstantTrigger(services.subscriptions, request.userId, request.params.connectionId, trigger.name, request.body);
    const origin = parsePublicUrl(services.publicUrl(), 'PUBLIC_URL').origin;
    return reply.code(201).header('location', `${origin}/api/subscriptions/${encodeURIComponent(view.id)}`).send(view);
  });
}
