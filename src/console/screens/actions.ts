// Actions: pick a connection and an action; its form comes from the action's input schema. The
// Idempotency-Key is pre-filled with a fresh random key, and a new one is drawn after each answer
// from the API (kept after a network failure, so sending again cannot run the action twice). The
// answer is shown as the API gave it, with a link to its run (the Run-Id header).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { ApiError, call } from '../api.js';
import type { Connection, Operation } from '../types.js';
import { json } from '../format.js';
import { navigate, type Route } from '../route.js';
import { bodyOf, SchemaForm, type FormValues } from '../schema-form.js';
import { ariaBusy, ErrorBox, Field, useLoad } from '../ui.js';

const freshKey = (): string => crypto.randomUUID();

interface Result {
  ok: boolean;
  status: number;
  body: unknown;
  runId: string | null;
}

export function ActionsScreen({ route }: { route: Route }): VNode {
  const connections = useLoad<{ data: Connection[] }>('/api/connections');
  const operations = useLoad<{ data: Operation[] }>('/api/operations');
  const actions = operations.data?.data.filter((o) => o.kind === 'action') ?? [];
  const connectionId = route.query.get('connection') ?? connections.data?.data[0]?.id ?? '';
  const operationName = route.query.get('operation') ?? actions[0]?.name ?? '';
  const operation = actions.find((a) => a.name === operationName);
  const [values, setValues] = useState<FormValues>({});
  const [key, setKey] = useState<string>(freshKey);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const choose = (params: Record<string, string>) => {
    setValues({});
    setResult(null);
    setError(null);
    navigate('actions', { connection: connectionId, operation: operationName, ...params });
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!operation) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const headers: Record<string, string> = key.trim() === '' ? {} : { 'idempotency-key': key.trim() };
      const answer = await call('POST', `/api/connections/${encodeURIComponent(connectionId)}/actions/${encodeURIComponent(operation.name)}`, { body: bodyOf(operation.input, values), headers });
      setResult({ ok: true, status: answer.status, body: answer.body, runId: answer.headers.get('run-id') });
      setKey(freshKey());
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiError) setKey(freshKey());
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-busy=${ariaBusy(connections, operations)}>
    <h1>Actions</h1>
    <${ErrorBox} error=${connections.error ?? operations.error} />
    ${connections.data && connections.data.data.length === 0 ? html`<p class="empty">Add a <a href="#/connections">connection</a> first.</p>` : null}
    <form class="panel" onSubmit=${submit}>
      <div class="row">
        <${Field} label="Connection">
          ${(id: string) => html`<select id=${id} value=${connectionId} onChange=${(e: Event) => choose({ connection: (e.target as HTMLSelectElement).value })}>
            ${connections.data?.data.map((c) => html`<option value=${c.id}>${c.name} (${c.mode}, ${c.keyHint})</option>`)}
          </select>`}
        <//>
        <${Field} label="Action">
          ${(id: string) => html`<select id=${id} value=${operationName} onChange=${(e: Event) => choose({ operation: (e.target as HTMLSelectElement).value })}>
            ${actions.map((a) => html`<option value=${a.name}>${a.title} (${a.name})</option>`)}
          </select>`}
        <//>
      </div>
      ${operation
        ? html`<p class="muted">${operation.description}</p>
            <${SchemaForm} schema=${operation.input} values=${values} onChange=${setValues} error=${error} />
            <${Field} label="Idempotency-Key" hint="Sending the same key again returns the first answer instead of acting twice. A new key is drawn after each answer.">
              ${(id: string, d: string | undefined) => html`<div class="list-item"><input id=${id} aria-describedby=${d} name="idempotencyKey" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
                <button type="button" onClick=${() => setKey(freshKey())}>New key</button></div>`}
            <//>
            <button type="submit" class="primary" disabled=${busy || connectionId === ''}>${busy ? 'Running…' : `Run ${operation.name}`}</button>`
        : null}
    </form>
    ${error ? html`<${ErrorBox} error=${error as Error} />` : null}
    ${error instanceof ApiError && error.headers.get('run-id') ? html`<p><a href=${`#/runs/${error.headers.get('run-id')}`}>Run ${error.headers.get('run-id')}</a></p>` : null}
    ${result
      ? html`<div class="result" role="status">
          <h2>Result <span class="badge succeeded">${result.status}</span> ${result.runId ? html`<a href=${`#/runs/${result.runId}`}>Run ${result.runId}</a>` : null}</h2>
          <pre>${json(result.body)}</pre>
        </div>`
      : null}
  </section>`;
}
