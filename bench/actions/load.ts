// A closed-loop load generator: `concurrency` workers each send the next request as soon as the
// previous one answers, for `durationMs`. Latencies are per request, in milliseconds.
export interface LoadResult {
  requests: number;
  errors: number;
  durationMs: number;
  latenciesMs: number[];
}

export async function runLoad(send: () => Promise<void>, options: { concurrency: number; durationMs: number }): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadlineMs) {
      const t0 = performance.now();
      try {
        await send();
        latenciesMs.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { requests: latenciesMs.length, errors, durationMs: performance.now() - startedMs, latenciesMs };
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index] as number;
}
