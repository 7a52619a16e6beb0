// How the CLI talks to a running server: STRIPE_CONNECTOR_URL (default http://127.0.0.1:4242)
// with STRIPE_CONNECTOR_TOKEN. An error answer becomes a thrown Error carrying the server's message.
export interface ApiClientOptions {
  /** Default: STRIPE_CONNECTOR_URL, else http://127.0.0.1:4242. */
  baseUrl?: string;
  /** Default: STRIPE_CONNECTOR_TOKEN. */
  token?: string;
  /** Aborts a call in flight (`runs list --follow` stopping); the call then throws a CliError. */
  signal?: AbortSignal;
}

export type ApiCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<unknown>;

export class CliError extends Error {}

/** The server's address without a trailing slash: STRIPE_CONNECTOR_URL, default http://127.0.0.1:4242. */
export function serverUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.STRIPE_CONNECTOR_URL || 'http://127.0.0.1:4242').replace(/\/+$/, '');
}

/**
 * Whether anything answers HTTP at `baseUrl`/healthz within `timeoutMs` (default 3 s). Any answer
 * counts, whatever its status: a server that cannot be told apart from the connector is treated as one.
 */
export async function serverAnswers(baseUrl: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

export function apiClient(env: NodeJS.ProcessEnv = process.env, options: ApiClientOptions = {}): ApiCall {
  const baseUrl = options.baseUrl?.replace(/\/+$/, '') ?? serverUrl(env);
  const token = options.token ?? env.STRIPE_CONNECTOR_TOKEN;

  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    if (!token) throw new CliError(
        'STRIPE_CONNECTOR_TOKEN is not set: use the admin token the server printed on its first start, or one from `stripe-connector token create --name NAME`',
      );
    let response: Response;
    try {
      response = await fetch(baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch {
      throw new CliError(`Cannot reach the connector at ${baseUrl}: is \`stripe-connector serve\` running? (STRIPE_CONNECTOR_URL)`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new CliError(`The connector answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      const error = (parsed as { error?: { message?: string; details?: unknown } } | null)?.error;
      throw new CliError(`${response.status} ${error?.message ?? 'request failed'}`);
    }
    return parsed;
  };
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
