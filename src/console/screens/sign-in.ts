import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { ApiError, call } from '../api.js';
import { signIn } from '../session.js';
import { ErrorBox, Field, useSubmit } from '../ui.js';

/** Sign-in with an API token (`token create` prints one; `serve --demo` prints a link that signs in). */
export function SignIn({ reason }: { reason?: string | undefined }): VNode {
  const [token, setToken] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const candidate = token.trim();
      // Any authenticated route: the token is proven before it is kept and the screens load.
      await call('GET', '/api/tokens', { headers: { authorization: `Bearer ${candidate}` } });
      signIn(candidate);
    },
    (caught) => (caught instanceof ApiError && caught.status === 401 ? new Error('This token is not valid (revoked, or mistyped).') : (caught as Error)),
  );
  return html`<main class="sign-in">
    <h1>stripe-connector</h1>
    <form onSubmit=${submit}>
      <h2>Sign in</h2>
      ${reason ? html`<p class="notice">${reason}</p>` : null}
      <${Field} label="API token" hint="An API token (sct_…). Kept in this tab only: closing it signs you out." required=${true}>
        ${(id: string, describedBy: string | undefined) =>
          html`<input id=${id} aria-describedby=${describedBy} type="password" autocomplete="off" required value=${token} onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />`}
      <//>
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy || token.trim() === ''}>Sign in</button>
    </form>
  </main>`;
}
