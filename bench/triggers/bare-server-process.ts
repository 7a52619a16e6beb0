// The baseline: a bare node:http server that reads each body and answers 200 with the connector's
// answer, {"received":true}. No signature check, no store: the floor any receiver costs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady } from './control.js';

const answer = Buffer.from('{"received":true}');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
