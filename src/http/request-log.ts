// One structured line per request, written when the response has gone out: method, URL, status
// and time. fastify's own request logging writes two (one on arrival, one on completion), each a
// serialisation, a redaction pass and a write to stdout; on the action path that second line was
// ~5% of the connector's CPU per call (bench/actions). No headers or bodies are logged, so a token
// or key has no way into the line.
import type { FastifyInstance } from 'fastify';

export function installRequestLog(app: FastifyInstance): void {
  // A callback hook, not an async one: no promise per request for a synchronous call.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: Math.round(reply.elapsedTime * 1000) / 1000 },
      'request',
    );
    done();
  });
}
