// A tiny cluster worker for cluster.test.ts: its own metrics with a share of the counts (from its
// environment), answering GET on a port shared with the other workers, as `serve --workers` does.
import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from '../../src/metrics/registry.js';
import { aggregateAcrossWorkers } from '../../src/metrics/cluster.js';

const metrics = createMetrics({
  outbox: { pendingDeliveries: async () => 5, oldestDueAgeSeconds: async () => Number(process.env.METRICS_OLDEST_DUE_AGE) },
});
for (let i = 0; i < Number(process.env.METRICS_ACTION_CALLS); i++) metrics.actionCall('createCustomer', 'succeeded', 0.05);
metrics.deliveryAttempt('delivered', 0.2);
aggregateAcrossWorkers(metrics);

const server = http.createServer((_request, response) => {
  metrics.exposition().then(
    ({ contentType, text }) => {
      response.writeHead(200, { 'content-type': contentType, 'x-worker': String(cluster.worker?.id) });
      response.end(text);
    },
    (error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    },
  );
});
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));
