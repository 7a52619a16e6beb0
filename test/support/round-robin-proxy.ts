// The load balancer in front of several `serve` processes, as an operator runs one: each request
// goes to the next backend in turn; a backend that refuses the connection (killed, not yet
// restarted) is skipped for the next one, so Stripe's webhooks to PUBLIC_URL keep arriving while a
// process is down. A backend that dies mid-request answers 502, which Stripe (and the emulator)
// retry.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: () => string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const urls = backends();
      const first = next++;
      const attempt = (tried: number) => {
        if (tried >= urls.length) {
          res.writeHead(502).end();
          return;
        }
        const target = new URL(req.url ?? '/', urls[(first + tried) % urls.length]);
        const forward = http.request(target, { method: req.method, headers: req.headers, agent }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', (error: NodeJS.ErrnoException) => {
          // Only a refused connection is safe to send elsewhere: nothing reached that backend.
          if (error.code === 'ECONNREFUSED') attempt(tried + 1);
          else if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
        forward.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
