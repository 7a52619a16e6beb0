// The signed-in token: held in memory and in this tab's sessionStorage, so a reload keeps the
// user signed in and closing the tab signs them out. It travels only as `Authorization: Bearer`
// on the console's own fetches; no cookie is ever set, so another site cannot make the browser
// send it (no CSRF surface).
const STORAGE_KEY = 'stripe-connector.token';

let token: string | null = null;
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token lives in memory only (a reload signs out)
  }
}

export function currentToken(): string | null {
  token ??= storage()?.getItem(STORAGE_KEY) ?? null;
  return token;
}

export function signIn(newToken: string): void {
  token = newToken;
  storage()?.setItem(STORAGE_KEY, newToken);
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  token = null;
  storage()?.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * `#token=…` (the link `serve --demo` prints) signs in, and the fragment leaves the address bar
 * at once, so the token is not kept in the history, a bookmark or a shared screenshot.
 */
export function signInFromFragment(): void {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
  signIn(decodeURIComponent(match[1] as string));
}
