// Deliveries: the filtered list (newest first, keyset pages, live), bulk retry of everything the
// filter matches (a count first, then progress), and one delivery with each attempt's request
// answer and when the next attempt is due.
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { call, get, query, type Page } from '../api.js';
import type { BulkRetry, Connection, Delivery, Operation } from '../types.js';
import { time } from '../format.js';
import type { Route } from '../route.js';
import { turnPage } from '../paging.js';
import { FilterBar, filtersOf } from '../filters.js';
import { Badge, ariaBusy, Empty, ErrorBox, LiveState, Pager, useLiveRows, useLoad } from '../ui.js';

const BULK_POLL_MS = 1_000;

/** Whether a delivery the stream announced belongs in the list the filters describe. */
function matches(d: Delivery, filters: Record<string, string>): boolean {
  if (filters.status && d.status !== filters.status) return false;
  if (filters.connection && d.connection !== filters.connection) return false;
  if (filters.subscription && d.subscription !== filters.subscription) return false;
  if (filters.trigger && d.trigger !== filters.trigger) return false;
  if (filters.from && d.createdAt < filters.from) return false;
  if (filters.to && d.createdAt >= filters.to) return false;
  return true;
}

function BulkRetryPanel({ filters }: { filters: Record<string, string> }): VNode {
  const [stage, setStage] = useState<{ kind: 'idle' } | { kind: 'counted'; count: number } | { kind: 'running'; job: BulkRetry }>({ kind: 'idle' });
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => setStage({ kind: 'idle' }), [JSON.stringify(filters)]);
  useEffect(() => {
    if (stage.kind !== 'running' || stage.job.status !== 'running') return;
    const timer = setTimeout(async () => {
      try {
        setStage({ kind: 'running', job: await get<BulkRetry>(`/api/deliveries/retry/${encodeURIComponent(stage.job.id)}`) });
      } catch (caught) {
        setError(caught as Error);
      }
    }, BULK_POLL_MS);
    return () => clearTimeout(timer);
  }, [stage]);
  const preview = async () => {
    setError(undefined);
    try {
      const answer = await call<{ count: number }>('POST', '/api/deliveries/retry', { body: { ...filters, preview: true } });
      setStage({ kind: 'counted', count: answer.body.count });
    } catch (caught) {
      setError(caught as Error);
    }
  };
  const run = async () => {
    setError(undefined);
    try {
      const answer = await call<BulkRetry>('POST', '/api/deliveries/retry', { body: filters });
      setStage({ kind: 'running', job: answer.body });
    } catch (caught) {
      setError(caught as Error);
    }
  };
  return html`<div class="bulk" data-testid="bulk-retry">
    ${stage.kind === 'idle' ? html`<button type="button" onClick=${preview}>Retry all matching…</button>` : null}
    ${stage.kind === 'counted'
      ? html`<span role="status">${stage.count === 0 ? 'No delivery matches these filters.' : `${stage.count} deliveries match these filters (every page, not only this one).`}</span>
          ${stage.count > 0 ? html`<button type="button" class="primary" onClick=${run}>Retry all ${stage.count} matching</button>` : null}
          <button type="button" onClick=${() => setStage({ kind: 'idle' })}>Cancel</button>`
      : null}
    ${stage.kind === 'running'
      ? html`<span role="status" data-testid="bulk-progress">
          <progress max=${Math.max(1, stage.job.total)} value=${stage.job.retried}></progress>
          ${stage.job.retried} of ${stage.job.total} retried — ${stage.job.status === 'running' ? 'running…' : stage.job.status === 'done' ? 'done' : 'interrupted (the server that ran it stopped): retry again to finish'}
        </span>
        ${stage.job.status !== 'running' ? html`<button type="button" onClick=${() => setStage({ kind: 'idle' })}>OK</button>` : null}`
      : null}
    <${ErrorBox} error=${error} />
  </div>`;
}

/**
 * The rows, as their own component so that a screen re-render which changes neither them nor the
 * connections' names (the operations arriving, the stream's state) reuses them as they are: 100
 * rows are the screen's heaviest render.
 */
function DeliveryTable({ rows, connections }: { rows: Delivery[]; connections: Connection[] | undefined }): VNode {
  const nameOf = (id: string | undefined) => connections?.find((c) => c.id === id)?.name ?? id ?? '—';
  return html`<table class="rows" data-testid="deliveries">
    <thead><tr><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Trigger</th><th scope="col">Object</th><th scope="col">Connection</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Next attempt</th></tr></thead>
    <tbody>
      ${rows.map(
        (d) => html`<tr data-id=${d.id} data-status=${d.status}>
          <td data-label="Created"><a href=${`#/deliveries/${d.id}`}>${time(d.createdAt)}</a></td>
          <td data-label="Status"><${Badge} status=${d.status} /></td>
          <td data-label="Trigger">${d.trigger ?? '—'}</td>
          <td data-label="Object"><code>${d.stripeObjectId}</code></td>
          <td data-label="Connection">${nameOf(d.connection)}</td>
          <td data-label="Attempts">${d.attempts}</td>
          <td data-label="Last answer" class="wrap">${d.lastStatusCode ?? ''} ${d.lastError ?? ''}</td>
          <td data-label="Next attempt">${time(d.nextAttemptAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function DeliveriesScreen({ route }: { route: Route }): VNode {
  const filters = filtersOf(route);
  delete filters.operation;
  const startingAfter = route.query.get('startingAfter') ?? '';
  const list = useLoad<Page<Delivery>>(`/api/deliveries${query({ ...filters, startingAfter })}`);
  const connections = useLoad<{ data: Connection[] }>('/api/connections');
  const operations = useLoad<{ data: Operation[] }>('/api/operations');
  const filterKey = JSON.stringify(filters);
  // Live rows belong on the newest page only.
  const { live, state } = useLiveRows<Delivery>('delivery', query({ subscription: filters.subscription, connection: filters.connection }), startingAfter === '', filterKey);
  // A stream update replaces the loaded row with the same id (so a row shows its status now, even
  // one the filter would no longer pick); new deliveries that match the filters go on top.
  const loaded = list.data?.data ?? [];
  const byId = new Map(live.map((d) => [d.id, d]));
  const rows = [...live.filter((d) => matches(d, filters) && !loaded.some((l) => l.id === d.id)), ...loaded.map((d) => byId.get(d.id) ?? d)];
  const connectionList = connections.data?.data;
  const table = useMemo(() => html`<${DeliveryTable} rows=${rows} connections=${connectionList} />`, [list.data, live, connectionList, filterKey]);
  return html`<section aria-busy=${ariaBusy(list, connections, operations)}>
    <h1>Deliveries ${startingAfter === '' ? html`<${LiveState} state=${state} />` : null}</h1>
    <${FilterBar}
      key=${filterKey}
      route=${route}
      connections=${connections.data?.data ?? []}
      spec=${{ screen: 'deliveries', statuses: ['pending', 'delivered', 'failed'], nameParam: 'trigger', names: operations.data?.data.filter((o) => o.kind === 'trigger').map((o) => o.name) ?? [], subscription: true }}
    />
    <${BulkRetryPanel} filters=${filters} />
    <${ErrorBox} error=${list.error} />
    ${list.data && rows.length === 0 ? html`<${Empty}>No deliveries match these filters.<//>` : null}
    ${rows.length > 0
      ? html`${table}
        <${Pager} hasMore=${list.data?.hasMore ?? false} lastId=${loaded[loaded.length - 1]?.id} atNewest=${startingAfter === ''} onPage=${(after: string | null) => turnPage('deliveries', route, after)} />`
      : null}
  </section>`;
}

export function DeliveryScreen({ id }: { id: string }): VNode {
  const delivery = useLoad<Delivery>(`/api/deliveries/${encodeURIComponent(id)}`);
  const [error, setError] = useState<Error | undefined>();
  const [retried, setRetried] = useState(false);
  const d = delivery.data;
  useEffect(() => {
    // While it is pending its next attempt is coming: ask again soon after it is due (every 2 s
    // once due, as the worker may be busy), so the attempt shows when it lands.
    if (d?.status !== 'pending') return;
    const dueInMs = d.nextAttemptAt === null ? 0 : Date.parse(d.nextAttemptAt) - Date.now();
    const timer = setTimeout(delivery.reload, Math.min(Math.max(dueInMs + 500, 2_000), 60_000));
    return () => clearTimeout(timer);
  }, [d]);
  const retry = async () => {
    setError(undefined);
    try {
      await call('POST', `/api/deliveries/${encodeURIComponent(id)}/retry`);
      setRetried(true);
      delivery.reload();
    } catch (caught) {
      setError(caught as Error);
    }
  };
  return html`<section aria-busy=${ariaBusy(delivery)}>
    <p><a href="#/deliveries">← Deliveries</a></p>
    <h1>Delivery <code>${id}</code></h1>
    <${ErrorBox} error=${delivery.error ?? error} />
    ${d
      ? html`<dl class="facts">
            <dt>Status</dt><dd><${Badge} status=${d.status} /></dd>
            <dt>Trigger</dt><dd>${d.trigger ?? '—'}</dd>
            <dt>Subscription</dt><dd><a href=${`#/deliveries?subscription=${d.subscription}`}><code>${d.subscription}</code></a></dd>
            <dt>Stripe object</dt><dd><code>${d.stripeObjectId}</code></dd>
            <dt>Created</dt><dd>${time(d.createdAt)}</dd>
            <dt>Delivered</dt><dd>${time(d.deliveredAt)}</dd>
            <dt>Next attempt</dt><dd data-testid="next-attempt">${d.nextAttemptAt ? time(d.nextAttemptAt) : 'none due'}</dd>
          </dl>
          <button type="button" onClick=${retry}>Retry now</button>
          ${retried ? html`<span role="status"> Queued again: it is due at once.</span>` : null}
          <h2>Attempts</h2>
          ${(d.attemptsHistory ?? []).length === 0
            ? html`<${Empty}>No attempt yet.<//>`
            : html`<table class="rows" data-testid="attempts">
                <thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Status code</th><th scope="col">Duration</th><th scope="col">Error</th><th scope="col">Response</th></tr></thead>
                <tbody>
                  ${[...(d.attemptsHistory ?? [])].reverse().map(
                    (a) => html`<tr>
                      <td data-label="#">${a.attempt}</td>
                      <td data-label="Started">${time(a.startedAt)}</td>
                      <td data-label="Status code">${a.statusCode ?? 'no answer'}</td>
                      <td data-label="Duration">${a.durationMs} ms</td>
                      <td data-label="Error" class="wrap">${a.error ?? '—'}</td>
                      <td data-label="Response">${a.responseSnippet ? html`<pre class="snippet">${a.responseSnippet}</pre>` : '—'}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
        `
      : null}
  </section>`;
}
