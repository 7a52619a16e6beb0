// `serve --workers N`: N server processes on one machine sharing one port through node:cluster
// (the primary accepts and hands connections round-robin). The primary prepares the store once
// (prepareStore: migrations, master key, admin bootstrap) and then only supervises: it forks the
// workers, each of which runs the whole server with the configured role; restarts one that exits
// unexpectedly after a growing pause; and on SIGTERM/SIGINT passes the signal on and exits once
// every worker has drained.
import cluster, { type Worker } from 'node:cluster';
import { exponentialDelayMs } from '../backoff.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { aggregateAcrossWorkers, answerWorkerScrapes } from '../metrics/cluster.js';
import { DEFAULT_DRAIN_TIMEOUT_MS, prepareStore, type RunningServer } from './server.js';

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  /** Pause before restarting a worker that exited; doubles per consecutive early exit. Default 1 s. */
  firstRestartDelayMs?: number;
  /** Ceiling of that pause. Default 30 s. */
  maxRestartDelayMs?: number;
  /** A worker that ran this long before exiting is restarted after the first pause again. Default 60 s. */
  stableAfterMs?: number;
  /** Each worker's own drain bound; the primary waits this plus 5 s, then kills what is left. Default 10 s. */
  drainTimeoutMs?: number;
}

interface Slot {
  worker: Worker | undefined;
  startedAtMs: number;
  /** Exits in a row, each before stableAfterMs. */
  earlyExits: number;
  restartTimer: NodeJS.Timeout | undefined;
}

export async function runCluster(config: Config, options: ClusterOptions): Promise<void> {
  const { logger } = options;
  await prepareStore(config, { logger });
  let stopping = false;
  let exitCode = 0;
  const slots: Slot[] = Array.from({ length: options.workers }, () => ({ worker: undefined, startedAtMs: 0, earlyExits: 0, restartTimer: undefined }));

  const fork = (slot: Slot, index: number) => {
    slot.restartTimer = undefined;
    slot.startedAtMs = Date.now();
    const worker = cluster.fork();
    slot.worker = worker;
    worker.on('exit', (code, signal) => {
      slot.worker = undefined;
      if (stopping) {
        if (code !== 0) exitCode = 1;
        if (slots.every((s) => s.worker === undefined)) process.exit(exitCode);
        return;
      }
      const ranMs = Date.now() - slot.startedAtMs;
      slot.earlyExits = ranMs >= (options.stableAfterMs ?? 60_000) ? 1 : slot.earlyExits + 1;
      const restartInMs = exponentialDelayMs({ failures: slot.earlyExits, firstDelayMs: options.firstRestartDelayMs ?? 1_000, maxDelayMs: options.maxRestartDelayMs ?? 30_000 });
      logger.warn({ worker: index + 1, workerPid: worker.process.pid, code, signal, ranMs, restartInMs }, 'serve worker exited unexpectedly; restarting it');
      slot.restartTimer = setTimeout(() => fork(slot, index), restartInMs);
    });
  };
  // A scrape of GET /metrics reaches one worker at random; the primary gathers every worker's
  // figures so that one scrape shows the whole machine.
  answerWorkerScrapes();
  slots.forEach(fork);
  logger.info({ workers: options.workers, role: config.role }, 'stripe-connector cluster started');

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${signal} received: stopping the workers`);
    for (const slot of slots) clearTimeout(slot.restartTimer);
    const running = slots.filter((slot) => slot.worker !== undefined);
    if (running.length === 0) process.exit(exitCode);
    for (const slot of running) slot.worker!.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      logger.error('workers took longer than their drain time; killing them');
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      process.exit(1);
    }, (options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS) + 5_000);
    timer.unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** In a cluster worker, once its server runs: GET /metrics answers for every worker of the machine. */
export function joinCluster(server: RunningServer): void {
  aggregateAcrossWorkers(server.services.metrics);
}
