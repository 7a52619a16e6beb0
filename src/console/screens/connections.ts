// Connections: add one (the key field masked, each refusal shown by its field), list them, and
// delete one after a confirmation that names the subscriptions deleted with it.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { call, get, type Page } from '../api.js';
import type { Connection, Subscription } from '../types.js';
import { time } from '../format.js';
import { ariaBusy, Empty, ErrorBox, Field, problemsFor, useLoad, useSubmit } from '../ui.js';

function AddConnection({ onAdded }: { onAdded: (c: Connection) => void }): VNode {
  const [form, setForm] = useState({ name: '', apiKey: '', apiBase: '' });
  const input = (field: keyof typeof form) => (e: Event) => setForm({ ...form, [field]: (e.target as HTMLInputElement).value });
  const { busy, error, submit } = useSubmit(async () => {
    const body = { name: form.name, apiKey: form.apiKey, ...(form.apiBase.trim() === '' ? {} : { apiBase: form.apiBase.trim() }) };
    const created = await call<Connection>('POST', '/api/connections', { body });
    setForm({ name: '', apiKey: '', apiBase: '' });
    onAdded(created.body);
  });
  return html`<form class="panel" onSubmit=${submit} aria-labelledby="add-connection">
    <h2 id="add-connection">Add a connection</h2>
    <${Field} label="Name" required=${true} problems=${problemsFor(error, 'name')}>
      ${(id: string, d: string | undefined) => html`<input id=${id} aria-describedby=${d} name="name" required maxlength="200" value=${form.name} onInput=${input('name')} />`}
    <//>
    <${Field} label="Stripe secret or restricted key" hint="sk_… or rk_…; checked with Stripe, stored encrypted, never shown again." required=${true} problems=${problemsFor(error, 'apiKey')}>
      ${(id: string, d: string | undefined) => html`<input id=${id} aria-describedby=${d} name="apiKey" type="password" autocomplete="off" required value=${form.apiKey} onInput=${input('apiKey')} />`}
    <//>
    <${Field} label="API base (optional)" hint="Default: the server's STRIPE_API_BASE." problems=${problemsFor(error, 'apiBase')}>
      ${(id: string, d: string | undefined) => html`<input id=${id} aria-describedby=${d} name="apiBase" type="url" value=${form.apiBase} onInput=${input('apiBase')} />`}
    <//>
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>${busy ? 'Checking the key with Stripe…' : 'Add connection'}</button>
  </form>`;
}

/** Every subscription of the connection (all pages): what a delete takes with it. */
async function subscriptionsOf(connectionId: string): Promise<Subscription[]> {
  const all: Subscription[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await get<Page<Subscription>>(`/api/subscriptions?connection=${encodeURIComponent(connectionId)}&limit=1000${after ? `&startingAfter=${encodeURIComponent(after)}` : ''}`);
    all.push(...page.data);
    if (!page.hasMore || page.data.length === 0) return all;
    after = page.data[page.data.length - 1]!.id;
  }
}

function ConfirmDelete({ connection, onDone, onCancel }: { connection: Connection; onDone: () => void; onCancel: () => void }): VNode {
  const [loaded, setLoaded] = useState<Subscription[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    subscriptionsOf(connection.id).then(setLoaded, setError);
  }, [connection.id]);
  const remove = async () => {
    try {
      await call('DELETE', `/api/connections/${encodeURIComponent(connection.id)}`);
      onDone();
    } catch (caught) {
      setError(caught as Error);
    }
  };
  return html`<div class="confirm" role="alertdialog" aria-labelledby=${`confirm-${connection.id}`}>
    <p id=${`confirm-${connection.id}`}><strong>Delete “${connection.name}”?</strong> Its key is forgotten${loaded === undefined ? '…' : loaded.length === 0 ? ', and it has no subscriptions.' : html`, and these ${loaded.length} subscriptions are deleted with it, with their delivery history:`}</p>
    ${loaded && loaded.length > 0 ? html`<ul>${loaded.map((s) => html`<li><code>${s.id}</code> ${s.trigger} → ${s.url}</li>`)}</ul>` : null}
    <${ErrorBox} error=${error} />
    <button type="button" class="danger" disabled=${loaded === undefined} onClick=${remove}>Delete connection${loaded && loaded.length > 0 ? ` and ${loaded.length} subscription${loaded.length === 1 ? '' : 's'}` : ''}</button>
    <button type="button" onClick=${onCancel}>Cancel</button>
  </div>`;
}

export function ConnectionsScreen(): VNode {
  const list = useLoad<{ data: Connection[] }>('/api/connections');
  const [deleting, setDeleting] = useState<string | null>(null);
  const [added, setAdded] = useState<Connection | null>(null);
  return html`<section aria-busy=${ariaBusy(list)}>
    <h1>Connections</h1>
    ${added ? html`<p class="notice" role="status">Added “${added.name}” (${added.mode}, ${added.keyHint}).</p>` : null}
    <${ErrorBox} error=${list.error} />
    ${list.data && list.data.data.length === 0 ? html`<${Empty}>No connections yet: add one below.<//>` : null}
    ${list.data && list.data.data.length > 0
      ? html`<table class="rows">
          <thead><tr><th scope="col">Name</th><th scope="col">Mode</th><th scope="col">Key</th><th scope="col">Id</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            ${list.data.data.map(
              (c) => html`<tr>
                <td data-label="Name">${c.name}${c.keyRefused ? html` <span class="badge failed" title=${c.keyRefused.message}>key refused</span>` : null}</td>
                <td data-label="Mode"><span class=${`badge ${c.mode}`}>${c.mode}</span></td>
                <td data-label="Key"><code>${c.keyHint}</code></td>
                <td data-label="Id"><code>${c.id}</code></td>
                <td data-label="Added">${time(c.createdAt)}</td>
                <td data-label="">
                  <a href=${`#/actions?connection=${c.id}`}>Actions</a> · <a href=${`#/subscriptions?connection=${c.id}`}>Subscriptions</a> ·${' '}
                  <button type="button" class="link danger" onClick=${() => setDeleting(c.id)} aria-label=${`Delete ${c.name}`}>Delete</button>
                  ${deleting === c.id
                    ? html`<${ConfirmDelete} connection=${c} onCancel=${() => setDeleting(null)} onDone=${() => {
                        setDeleting(null);
                        list.reload();
                      }} />`
                    : null}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>`
      : null}
    <${AddConnection} onAdded=${(c: Connection) => {
      setAdded(c);
      list.reload();
    }} />
  </section>`;
}
