// Pieces every screen uses: loading an API answer, showing an error as the API gave it, the
// keyset pager, status badges, labelled form fields.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren, VNode } from 'preact';
import { ApiError, get, type FieldProblem } from './api.js';
import { followStream, type StreamState } from './stream.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  /** Until the answer for the current path (and reload) is in: `data` may still be the previous path's. */
  busy: boolean;
  reload(): void;
  set(data: T): void;
}

/** GETs `path` (again whenever it changes or reload() is called); null `path` loads nothing. */
export function useLoad<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error; of?: string }>({});
  const [round, setRound] = useState(0);
  // Which request an answer belongs to, so a screen can tell its current data from the last path's.
  const current = `${round} ${path}`;
  useEffect(() => {
    if (path === null) return;
    const stopper = new AbortController();
    get<T>(path, stopper.signal).then(
      (data) => setState({ data, of: current }),
      (error: Error) => {
        if (!stopper.signal.aborted) setState({ error, of: current });
      },
    );
    return () => stopper.abort();
  }, [path, round]);
  return { data: state.data, error: state.error, busy: path !== null && state.of !== current, reload: () => setRound((r) => r + 1), set: (data) => setState({ data, of: current }) };
}

/**
 * The `type` events (deliveries or runs) of the stream `streamQuery` selects, newest first, one row
 * per id, begun afresh whenever `key` changes; none while `follow` is false (an older page).
 */
export function useLiveRows<T extends { id: string }>(type: 'delivery' | 'run', streamQuery: string, follow: boolean, key: string): { live: T[]; state: StreamState } {
  const [live, setLive] = useState<T[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    setLive([]);
    if (!follow) return;
    return followStream(
      streamQuery,
      (event) => {
        if (event.type !== type) return;
        const row = event.data as T;
        setLive((rows) => [row, ...rows.filter((r) => r.id !== row.id)]);
      },
      setState,
    );
  }, [key, follow]);
  return { live, state };
}

/**
 * A form's submission: `busy` while `send` runs (the button says so and cannot be pressed twice),
 * and the error it ended with, as `describe` words it, until the next try.
 */
export function useSubmit(send: () => Promise<void>, describe: (caught: unknown) => Error = (caught) => caught as Error) {
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await send();
    } catch (caught) {
      setError(describe(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

/**
 * The value of a screen's aria-busy: "true" until every load it shows has answered, then "false"
 * (assistive technology waits for it; the page-load benchmark and tests wait for "false").
 */
export function ariaBusy(...loads: Loaded<unknown>[]): 'true' | 'false' {
  return loads.some((load) => load.busy) ? 'true' : 'false';
}

export function ErrorBox({ error }: { error: ApiError | Error | undefined | null }): VNode | null {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  return html`<div class="error" role="alert">
    <strong>${api ? `${api.status} ${api.code}` : 'Error'}</strong>: ${error.message}
    ${api && api.details.length > 0 ? html`<ul>${api.details.map((d) => html`<li><code>${d.field}</code> ${d.message}</li>`)}</ul>` : null}
  </div>`;
}

/** The problems an error names for `field` (the API names body fields bare, query fields as query.x). */
export function problemsFor(error: unknown, field: string): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  return error.details.filter((d) => d.field.replace(/^(body|query)\./, '') === field || d.field.startsWith(`${field}[`) || d.field.startsWith(`${field}.`));
}

let fieldCounter = 0;

/** A labelled control with its hint and the API's problems for it, linked by aria-describedby. */
export function Field(props: { label: string; hint?: string | undefined; problems?: FieldProblem[]; required?: boolean; children: (id: string, describedBy: string | undefined) => ComponentChildren }): VNode {
  const [id] = useState(() => `f${++fieldCounter}`);
  const problems = props.problems ?? [];
  const describedBy = [props.hint ? `${id}-hint` : '', problems.length > 0 ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return html`<div class=${`field${problems.length > 0 ? ' invalid' : ''}`}>
    <label for=${id}>${props.label}${props.required ? html`<span class="required" aria-hidden="true"> *</span>` : null}</label>
    ${props.children(id, describedBy)}
    ${props.hint ? html`<small id=${`${id}-hint`}>${props.hint}</small>` : null}
    ${problems.length > 0 ? html`<small class="problem" id=${`${id}-problem`}>${problems.map((p) => `${p.field} ${p.message}`).join('; ')}</small>` : null}
  </div>`;
}

export function Badge({ status }: { status: string }): VNode {
  return html`<span class=${`badge ${status}`}>${status}</span>`;
}

/**
 * Keyset pages: "Older →" asks for the page after this one's last id (kept in the URL, so the page
 * can be bookmarked); "← Newer" goes back the way it came, or to the newest page.
 */
export function Pager({ hasMore, lastId, onPage, atNewest }: { hasMore: boolean; lastId: string | undefined; onPage: (startingAfter: string | null) => void; atNewest: boolean }): VNode {
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${atNewest} onClick=${() => onPage(null)}>← Newer</button>
    <button type="button" disabled=${!hasMore || lastId === undefined} onClick=${() => onPage(lastId ?? null)}>Older →</button>
  </nav>`;
}

export function Empty({ children }: { children: ComponentChildren }): VNode {
  return html`<p class="empty">${children}</p>`;
}

/** Whether the live stream is flowing. */
export function LiveState({ state }: { state: StreamState }): VNode {
  const words = { connecting: 'connecting…', live: 'live', waiting: 'reconnecting…' };
  return html`<span class=${`live ${state}`} role="status" aria-live="polite">● ${words[state]}</span>`;
}
