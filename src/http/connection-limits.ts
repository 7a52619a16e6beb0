// What a slow or greedy client may hold: the time to send a request, an idle keep-alive, the number
// of open sockets. Node's defaults leave the first unbounded (fastify's requestTimeout is 0), so three
// sockets dripping a byte every few seconds stayed open indefinitely.
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';
import { ConnectorError } from '../errors.js';

type Limits = Pick<Config, 'httpRequestTimeoutSeconds' | 'httpHeadersTimeoutSeconds' | 'httpKeepAliveTimeoutSeconds'>;

// Node checks the request and header deadlines on this interval (default 30 s, which would let a
// 10 s deadline run to 40 s); a pass over the open sockets once a second costs next to nothing.
const DEADLINE_CHECK_INTERVAL_MS = 1000;

export interface ConnectionOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
}

export function connectionOptions(limits: Limits): ConnectionOptions {
  return {
    requestTimeout: limits.httpRequestTimeoutSeconds * 1000,
    keepAliveTimeout: limits.httpKeepAliveTimeoutSeconds * 1000,
    // No idle-socket timeout while a handler runs: an action's Stripe call with its retries may be
    // silent for longer than any fixed figure; the request deadline above bounds the client's part.
    connectionTimeout: 0,
    http: { headersTimeout: limits.httpHeadersTimeoutSeconds * 1000, connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS },
  };
}

/**
 * Errors Node's parser raises before any route (a malformed request line, headers too large, a
 * request that outlived its deadline) answered in the API's error shape, then the socket closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request was not received in time'] as const
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'invalid_input', 'The request headers are too large'] as const
        : [400, 'invalid_input', 'The request is malformed'] as const;
  const body = JSON.stringify(new ConnectorError(status, code, message).toBody());
  if (socket.writable) {
    const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
