// Overview (GET /api/overview): which connection is broken and why, first; then each connection's
// last success and last error, deliveries per minute in the last hour and the oldest pending age.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import type { VNode } from 'preact';
import type { Overview } from '../types.js';
import { age, time } from '../format.js';
import { ariaBusy, ErrorBox, useLoad } from '../ui.js';
import { DeliveriesChart } from './chart.js';

const REFRESH_MS = 15_000;

export function OverviewScreen(): VNode {
  const overview = useLoad<Overview>('/api/overview');
  useEffect(() => {
    const timer = setInterval(overview.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const data = overview.data;
  const refused = data?.connections.filter((c) => c.keyRefused) ?? [];
  return html`<section aria-busy=${ariaBusy(overview)}>
    <h1>Overview</h1>
    <${ErrorBox} error=${overview.error} />
    ${refused.map(
      (c) => html`<div class="error" role="alert" data-testid="key-refused">
        <strong>Stripe refuses the key of “${c.name}”</strong> (${c.keyHint}, since ${time(c.keyRefused!.at)}): ${c.keyRefused!.message}.
        Actions, polls and webhooks on this connection fail until it gets a valid key: delete it and add it again with a new key.
      </div>`,
    )}
    ${data
      ? html`
          <div class="cards">
            <div class="card"><span class="label">Oldest pending delivery</span><span class="figure" data-testid="oldest-pending">${age(data.oldestPendingAgeSeconds)}</span></div>
            <div class="card"><span class="label">Connections</span><span class="figure">${data.connections.length}</span></div>
          </div>
          <h2>Deliveries per minute, last hour</h2>
          <${DeliveriesChart} minutes=${data.deliveriesPerMinute} />
          <h2>Connections</h2>
          ${data.connections.length === 0
            ? html`<p class="empty">No connections yet. <a href="#/connections">Add one</a>.</p>`
            : html`<table class="rows">
                <thead><tr><th scope="col">Name</th><th scope="col">Mode</th><th scope="col">Key</th><th scope="col">Last success</th><th scope="col">Last error</th></tr></thead>
                <tbody>
                  ${data.connections.map(
                    (c) => html`<tr class=${c.keyRefused ? 'broken' : ''}>
                      <td data-label="Name">${c.name}</td>
                      <td data-label="Mode"><span class=${`badge ${c.mode}`}>${c.mode}</span></td>
                      <td data-label="Key"><code>${c.keyHint}</code></td>
                      <td data-label="Last success">${time(c.lastSuccessAt)}</td>
                      <td data-label="Last error">${c.lastError ? html`${time(c.lastError.at)} <code>${c.lastError.operation}</code> ${c.lastError.code}: ${c.lastError.message}` : '—'}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
        `
      : overview.error
        ? null
        : html`<p aria-busy="true">Loading…</p>`}
  </section>`;
}
