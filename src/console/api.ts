// Every call the console makes: same origin, the token as a Bearer header, JSON in and out. An
// error answer becomes an ApiError carrying the API's {code, message, details} as sent, so a form
// can show each problem beside the field it names.
import { currentToken, signOut } from './session.js';

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[],
    /** The answer's headers (a failed action's Run-Id among them). */
    readonly headers: Headers = new Headers(),
  ) {
    super(message);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = currentToken();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
    cache: 'no-store',
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    // A revoked or wrong token: back to the sign-in page rather than a screen of errors.
    if (response.status === 401) signOut();
    const details = Array.isArray(error?.details) ? (error.details as FieldProblem[]).filter((d) => typeof d?.field === 'string') : [];
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`, details, response.headers);
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await call<T>('GET', path, signal ? { signal } : {})).body;
}

/** A query string from the set values only ('' and undefined left out). */
export function query(params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}
