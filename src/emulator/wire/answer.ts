// An HTTP answer as the pipeline builds it, before headers common to every response are added.
import type { IncomingMessage } from 'node:http';
import type { StripeApiError } from './errors.js';

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export function errorAnswer(error: StripeApiError): Answer {
  return { status: error.status, body: JSON.stringify(error.toJSON()), headers: error.headers };
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
