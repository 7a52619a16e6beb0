// How the CLI talks to a running server: STRIPE_CONNECTOR_URL (default http://127.0.0.1:4242)
// with STRIPE_CONNECTOR_TOKEN. An error answer becomes a thrown Error carrying the server's message.
export interface ApiClientOptions {
  /** Default: STRIPE_CONNECTOR_URL, else http://127.0.0.1:4242. */
  baseUrl?: string;
  /** Default: STRIPE_CONNECTOR_TOKEN. */
  token?: string;
}

export class CliError extends Error {}

export function apiClient(env: NodeJS.ProcessEnv = process.env, options: ApiClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? (env.STRIPE_CONNECTOR_URL || 'http://127.0.0.1:4242')).replace(/\/+$/, '');
  const token = options.token ?? env.STRIPE_CONNECTOR_TOKEN;

  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    if (!token) throw new CliError('STRIPE_CONNECTOR_TOKEN is not set: create one with `stripe-connector token create --name NAME`');
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
