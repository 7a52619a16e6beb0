// Every failure leaves as {"error":{code,message,details}} (DESIGN.md). ConnectorErrors carry their
// own answer; fastify's own 4xx (body too large, bad URL) are translated; anything else is a 500
// with a fixed message, never shown, and logged as src/log.ts logs every error (type, code,
// redacted message; no stack).
import type { FastifyError, FastifyInstance } from 'fastify';
import { ConnectorError } from '../errors.js';

function translate(error: FastifyError): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const status = error.statusCode;
  if (status === 413) {
    return new ConnectorError(413, 'payload_too_large', 'The request body is larger than the limit of 1 MiB');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // fastify's messages name the problem (e.g. an unparseable URL) without echoing secrets.
    return new ConnectorError(status, status === 404 ? 'not_found' : 'invalid_input', error.message);
  }
  return new ConnectorError(500, 'internal_error', 'The connector failed unexpectedly; see the server log');
}

export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let answer = translate(error);
    if (answer.code === 'payload_too_large') {
      answer = new ConnectorError(413, 'payload_too_large', `The request body is larger than the limit of ${bodyLimitBytes} bytes`);
    }
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(answer.status).headers(answer.headers).send(answer.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const answer = new ConnectorError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
    void reply.code(404).send(answer.toBody());
  });
}
