// Every failure leaves as {"error":{code,message,details}} (the documented contract). ConnectorErrors carry their
// own answer; fastify's own 4xx (body too large, bad URL) are translated; a path that exists with
// other methods is a 405 naming them, any other unknown route a 404; anything else is a 500
// with a fixed message, never shown, and logged as src/log.ts logs every error (type, code,
// redacted message; no stack).
import type { FastifyError, FastifyInstance, HTTPMethods } from 'fastify';
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
  // Every method some route takes, collected as routes are added (this runs before any is).
  const methods = new Set<HTTPMethods>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method);
  });
  // Reached after the auth hook, so a request without a valid token is a 401 here as on any route.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = [...methods].filter((method) => app.findRoute({ method, url: path }) !== null).sort();
    // RFC 9110 §15.5.6: the path exists with other methods: 405 with Allow listing them.
    const answer =
      allowed.length > 0
        ? new ConnectorError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}; it takes ${allowed.join(', ')}`, undefined, {
            allow: allowed.join(', '),
          })
        : new ConnectorError(404, 'not_found', `No route ${request.method} ${path}`);
    void reply.code(answer.status).headers(answer.headers).send(answer.toBody());
  });
}
