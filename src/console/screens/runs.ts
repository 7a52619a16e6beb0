// Run history: action calls and delivery attempts, filtered, newest first, live; one run with its
// stored input, output and error (secrets redacted by the server before they were stored).
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import type { VNode } from 'preact';
import { query, type Page } from '../api.js';
import type { Connection, Operation, Run } from '../types.js';
import { json, time } from '../format.js';
import type { Route } from '../route.js';
import { turnPage } from '../paging.js';
import { FilterBar, filtersOf } from '../filters.js';
import { Badge, ariaBusy, Empty, ErrorBox, LiveState, Pager, useLiveRows, useLoad } from '../ui.js';

function matches(run: Run, filters: Record<string, string>): boolean {
  if (filters.status && run.status !== filters.status) return false;
  if (filters.connection && run.connection !== filters.connection) return false;
  if (filters.operation && run.operation !== filters.operation) return false;
  if (filters.from && run.createdAt < filters.from) return false;
  if (filters.to && run.createdAt >= filters.to) return false;
  return true;
}

/** The rows, as their own component: a re-render that changes neither them nor the connections' names reuses them (as on Deliveries). */
function RunTable({ rows, connections }: { rows: Run[]; connections: Connection[] | undefined }): VNode {
  const nameOf = (id: string) => connections?.find((c) => c.id === id)?.name ?? id;
  return html`<table class="rows" data-testid="runs">
    <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Kind</th><th scope="col">Operation</th><th scope="col">Connection</th><th scope="col">Duration</th><th scope="col">Detail</th></tr></thead>
    <tbody>
      ${rows.map(
        (r) => html`<tr data-id=${r.id}>
          <td data-label="Started"><a href=${`#/runs/${r.id}`}>${time(r.createdAt)}</a></td>
          <td data-label="Status"><${Badge} status=${r.status} /></td>
          <td data-label="Kind">${r.kind}</td>
          <td data-label="Operation">${r.operation}</td>
          <td data-label="Connection">${nameOf(r.connection)}</td>
          <td data-label="Duration">${r.durationMs} ms</td>
          <td data-label="Detail" class="wrap">
            ${r.kind === 'delivery'
              ? html`<a href=${`#/deliveries/${r.delivery}`}>attempt ${r.attempt}</a> ${r.statusCode ?? ''} ${typeof r.error === 'string' ? r.error : ''}`
              : r.error
                ? String((r.error as { message?: string }).message ?? '')
                : ''}
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function RunsScreen({ route }: { route: Route }): VNode {
  const filters = filtersOf(route);
  delete filters.trigger;
  delete filters.subscription;
  const startingAfter = route.query.get('startingAfter') ?? '';
  const list = useLoad<Page<Run>>(`/api/runs${query({ ...filters, startingAfter })}`);
  const connections = useLoad<{ data: Connection[] }>('/api/connections');
  const operations = useLoad<{ data: Operation[] }>('/api/operations');
  const filterKey = JSON.stringify(filters);
  const { live, state } = useLiveRows<Run>('run', query({ connection: filters.connection }), startingAfter === '', filterKey);
  const loaded = list.data?.data ?? [];
  const rows = [...live.filter((r) => matches(r, filters) && !loaded.some((l) => l.id === r.id)), ...loaded];
  const connectionList = connections.data?.data;
  const table = useMemo(() => html`<${RunTable} rows=${rows} connections=${connectionList} />`, [list.data, live, connectionList, filterKey]);
  return html`<section aria-busy=${ariaBusy(list, connections, operations)}>
    <h1>Runs ${startingAfter === '' ? html`<${LiveState} state=${state} />` : null}</h1>
    <${FilterBar}
      key=${filterKey}
      route=${route}
      connections=${connections.data?.data ?? []}
      spec=${{ screen: 'runs', statuses: ['succeeded', 'failed'], nameParam: 'operation', names: operations.data?.data.map((o) => o.name) ?? [], subscription: false }}
    />
    <${ErrorBox} error=${list.error} />
    ${list.data && rows.length === 0 ? html`<${Empty}>No runs match these filters.<//>` : null}
    ${rows.length > 0
      ? html`${table}
        <${Pager} hasMore=${list.data?.hasMore ?? false} lastId=${loaded[loaded.length - 1]?.id} atNewest=${startingAfter === ''} onPage=${(after: string | null) => turnPage('runs', route, after)} />`
      : null}
  </section>`;
}

export function RunScreen({ id }: { id: string }): VNode {
  const run = useLoad<Run>(`/api/runs/${encodeURIComponent(id)}`);
  const r = run.data;
  return html`<section aria-busy=${ariaBusy(run)}>
    <p><a href="#/runs">← Runs</a></p>
    <h1>Run <code>${id}</code></h1>
    <${ErrorBox} error=${run.error} />
    ${r
      ? html`<dl class="facts">
            <dt>Status</dt><dd><${Badge} status=${r.status} /></dd>
            <dt>Kind</dt><dd>${r.kind}</dd>
            <dt>Operation</dt><dd>${r.operation}</dd>
            <dt>Connection</dt><dd><code>${r.connection}</code></dd>
            <dt>Started</dt><dd>${time(r.createdAt)}</dd>
            <dt>Duration</dt><dd>${r.durationMs} ms</dd>
            ${r.stripeRequestId ? html`<dt>Stripe request</dt><dd><code>${r.stripeRequestId}</code></dd>` : null}
            ${r.delivery ? html`<dt>Delivery</dt><dd><a href=${`#/deliveries/${r.delivery}`}><code>${r.delivery}</code></a> (attempt ${r.attempt})</dd>` : null}
          </dl>
          ${r.kind === 'action' ? html`<h2>Input (as stored, secrets redacted)</h2><pre data-testid="run-input">${json(r.input)}</pre>` : null}
          ${r.error ? html`<h2>Error</h2><pre data-testid="run-error">${json(r.error)}</pre>` : null}
          ${r.kind === 'action' && r.output !== null && r.output !== undefined ? html`<h2>Output</h2><pre data-testid="run-output">${json(r.output)}</pre>` : null}`
      : null}
  </section>`;
}
