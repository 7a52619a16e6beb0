// One scrape, every worker's metrics: with `serve --workers N` the processes share one port and a
// scrape reaches one worker at random, whose own registry holds only its share. So the worker that
// is scraped asks the primary over the cluster's IPC channel; the primary gathers every worker's
// registry with prom-client's AggregatorRegistry (which asks each worker in turn, the scraped one
// included) and answers with the aggregate: counters and histograms summed, the outbox gauges
// (which every worker reads from the same store) as their maximum, prom-client's process metrics
// by their own rules.
//
// Primary: answerWorkerScrapes() once, before forking. Worker: aggregateAcrossWorkers(metrics)
// once its services are composed.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { ConnectorMetrics } from './registry.js';

const SCRAPE_REQUEST = 'stripe-connector:metrics-scrape';
const SCRAPE_ANSWER = 'stripe-connector:metrics-answer';

/** How long a scraped worker waits for the primary. Default 10 s: the primary gives each worker 5 s (prom-client), and Prometheus' default scrape timeout is 10 s. */
export const DEFAULT_CLUSTER_SCRAPE_TIMEOUT_MS = 10_000;

interface ScrapeRequest {
  type: typeof SCRAPE_REQUEST;
  id: number;
}

interface ScrapeAnswer {
  type: typeof SCRAPE_ANSWER;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/** In the primary: answers every worker's scrape with all workers' metrics. Returns what stops it. */
export function answerWorkerScrapes(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMessage<ScrapeRequest>(message, SCRAPE_REQUEST)) return;
    const answer = (fields: Pick<ScrapeAnswer, 'text' | 'error'>) => {
      // A worker that died meanwhile has nobody to answer.
      if (worker.isConnected()) worker.send({ type: SCRAPE_ANSWER, id: message.id, ...fields } satisfies ScrapeAnswer);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
  cluster.on('message', onMessage);
  return () => {
    cluster.off('message', onMessage);
  };
}

/**
 * In a worker: the primary's requests for this worker's metrics are answered from `metrics`'
 * registry, and `metrics.exposition()` (what GET /metrics answers) becomes every worker's.
 */
export function aggregateAcrossWorkers(metrics: ConnectorMetrics, options: { timeoutMs?: number } = {}): void {
  if (!cluster.isWorker || !process.send) throw new Error('aggregateAcrossWorkers runs in a cluster worker');
  AggregatorRegistry.setRegistries([metrics.registry]);
  // Its constructor adds the worker's listener for the primary's requests (once per process).
  new AggregatorRegistry();
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLUSTER_SCRAPE_TIMEOUT_MS;
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage<ScrapeAnswer>(message, SCRAPE_ANSWER)) return;
    const scrape = waiting.get(message.id);
    if (!scrape) return;
    waiting.delete(message.id);
    if (message.text !== undefined) scrape.resolve(message.text);
    else scrape.reject(new Error(`the primary could not gather the workers' metrics: ${message.error ?? 'no reason given'}`));
  });
  const contentType = metrics.registry.contentType;
  metrics.setExposition(async () => {
    const id = nextId++;
    const text = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no answer from the cluster primary within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      process.send!({ type: SCRAPE_REQUEST, id } satisfies ScrapeRequest);
    });
    return { contentType, text };
  });
}
