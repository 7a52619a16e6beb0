// GET /api/overview: the console's first page. Per connection, when a call last succeeded, the
// last error and whether Stripe refuses the key; deliveries per minute over the last 60
// minutes (the current one last) by their status now; how long the oldest pending delivery has waited. Every figure is one
// index range read (src/store/overview.ts), so the page costs the same at a million deliveries.
import { Type, type Static } from '@sinclair/typebox';
import { toView } from '../connections/service.js';
import { nullable } from '../nullable.js';
import type { Store } from '../store/database.js';
import { listOwnedConnections } from '../store/connections.js';
import { subscriptionsInScope } from '../store/deliveries/of-user.js';
import { deliveriesPerMinute, lastRunOfConnection, oldestPendingCreatedAt } from '../store/overview.js';

const MINUTE_MS = 60_000;
/** The chart's span: the last hour, minute by minute. */
export const OVERVIEW_MINUTES = 60;

export const OverviewSchema = Type.Object({
  connections: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      mode: Type.Union([Type.Literal('test'), Type.Literal('live')]),
      keyHint: Type.String(),
      lastSuccessAt: nullable(Type.String({ format: 'date-time', description: 'the last action call that succeeded' })),
      lastError: nullable(
        Type.Object({
          at: Type.String({ format: 'date-time' }),
          operation: Type.String(),
          code: Type.String(),
          message: Type.String(),
        }),
      ),
      keyRefused: nullable(Type.Object({ at: Type.String({ format: 'date-time' }), message: Type.String() })),
    }),
  ),
  deliveriesPerMinute: Type.Array(
    Type.Object({
      minute: Type.String({ format: 'date-time', description: 'the minute\'s start' }),
      delivered: Type.Integer({ minimum: 0 }),
      failed: Type.Integer({ minimum: 0 }),
      pending: Type.Integer({ minimum: 0 }),
    }),
    { description: `the last ${OVERVIEW_MINUTES} minutes, the current one last, oldest first, each present: deliveries created in it, by their status now` },
  ),
  oldestPendingAgeSeconds: nullable(Type.Integer({ minimum: 0, description: 'age of the oldest pending delivery; null when none is pending' })),
});

export type OverviewView = Static<typeof OverviewSchema>;

function parseError(text: string | null): { code: string; message: string } {
  try {
    const parsed = JSON.parse(text ?? 'null') as { code?: unknown; message?: unknown } | null;
    return { code: typeof parsed?.code === 'string' ? parsed.code : 'unknown', message: typeof parsed?.message === 'string' ? parsed.message : '' };
  } catch {
    return { code: 'unknown', message: '' };
  }
}

export class Overview {
  constructor(private readonly options: { db: Store; /** Default Date.now. */ nowMs?: (() => number) | undefined }) {}

  async of(userId: string): Promise<OverviewView> {
    const { db } = this.options;
    const nowMs = (this.options.nowMs ?? Date.now)();
    // The current minute is the chart's last bar, still filling: what just happened shows at once.
    const endMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const startMs = endMs - OVERVIEW_MINUTES * MINUTE_MS;
    const [rows, subscriptions] = await Promise.all([listOwnedConnections(db, userId), subscriptionsInScope(db, { userId })]);
    const ids = subscriptions.map((s) => s.id);
    const [connections, counts, oldest] = await Promise.all([
      Promise.all(
        rows.map(async (row) => {
          const [success, failure] = await Promise.all([lastRunOfConnection(db, userId, row.id, 'succeeded'), lastRunOfConnection(db, userId, row.id, 'failed')]);
          const view = toView(row);
          return {
            id: view.id,
            name: view.name,
            mode: view.mode,
            keyHint: view.keyHint,
            lastSuccessAt: success?.created_at ?? null,
            lastError: failure ? { at: failure.created_at, operation: failure.operation, ...parseError(failure.error) } : null,
            keyRefused: view.keyRefused,
          };
        }),
      ),
      deliveriesPerMinute(db, ids, new Date(startMs).toISOString(), new Date(endMs).toISOString()),
      oldestPendingCreatedAt(db, ids),
    ]);
    const perMinute = Array.from({ length: OVERVIEW_MINUTES }, (_, i) => ({ minute: new Date(startMs + i * MINUTE_MS).toISOString(), delivered: 0, failed: 0, pending: 0 }));
    for (const count of counts) {
      const index = Math.round((Date.parse(`${count.minute}:00.000Z`) - startMs) / MINUTE_MS);
      const slot = perMinute[index];
      if (slot) slot[count.status] += count.n;
    }
    return {
      connections,
      deliveriesPerMinute: perMinute,
      oldestPendingAgeSeconds: oldest === undefined ? null : Math.max(0, Math.floor((nowMs - Date.parse(oldest)) / 1000)),
    };
  }
}
