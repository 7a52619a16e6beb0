// Counters and histograms whose per-event cost is a Map lookup and a few additions. prom-client's
// own inc() and observe() check and hash the label object on every call (~0.8–1.5 µs each,
// bench/metrics/recorder.bench.ts); here the labels are checked once per series, and the figures
// reach prom-client's registry only when it is read (a scrape, or the cluster primary's request).
import { Counter, type Registry } from 'prom-client';

/**
 * Most series per metric. The producers pass only names the connector defines, so this is never
 * reached in use; it bounds what a mistake could cost a Prometheus server (each series is kept
 * for ever). Beyond it, new label sets are counted under the value "other".
 */
export const MAX_SERIES_PER_METRIC = 500;

/** A label value is a word from a fixed set; anything else is reported as "other". */
const LABEL_VALUE = /^[A-Za-z0-9_.{}/-]{1,80}$/;

/** Series of one metric, found by their label values joined; values outside the vocabulary become "other". */
class SeriesMap<S> {
  private readonly series = new Map<string, S>();

  constructor(private readonly make: (labels: Record<string, string>) => S, private readonly labelNames: readonly string[]) {}

  get(values: readonly string[]): S {
    const key = values.join('\u0000');
    const known = this.series.get(key);
    if (known !== undefined) return known;
    let safe = values.map((value) => (LABEL_VALUE.test(value) ? value : 'other'));
    if (this.series.size >= MAX_SERIES_PER_METRIC) safe = safe.map(() => 'other');
    const safeKey = safe.join('\u0000');
    let series = this.series.get(safeKey);
    if (series === undefined) {
      series = this.make(Object.fromEntries(this.labelNames.map((name, i) => [name, safe[i] as string])));
      // Only values kept as they are become keys: a stream of odd values costs a lookup each, never memory.
      this.series.set(safeKey, series);
    }
    return series;
  }

  all(): IterableIterator<S> {
    return this.series.values();
  }
}

export interface CounterOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  registry: Registry;
}

interface CounterSeries {
  labels: Record<string, string>;
  pending: number;
}

/** A prom-client counter fed by plain additions, handed over when the registry is read. */
export class FastCounter {
  private readonly series: SeriesMap<CounterSeries>;

  constructor(options: CounterOptions) {
    const series = new SeriesMap<CounterSeries>((labels) => ({ labels, pending: 0 }), options.labelNames);
    this.series = series;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: [...options.labelNames],
      registers: [options.registry],
      collect() {
        for (const s of series.all()) {
          // inc(labels, 0) too: a series seen (or started at 0) is shown from then on.
          this.inc(s.labels, s.pending);
          s.pending = 0;
        }
      },
    });
  }

  inc(values: readonly string[], by = 1): void {
    this.series.get(values).pending += by;
  }
}

export interface HistogramOptions extends CounterOptions {
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
}

interface HistogramSeries {
  labels: Record<string, string>;
  /** counts[i]: observations ≤ buckets[i] and > buckets[i − 1]; the last one is above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram as prom-client's registry reads metrics (get() → name, type, values), kept by plain additions. */
export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly buckets: readonly number[];
  private readonly series: SeriesMap<HistogramSeries>;

  constructor(options: HistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.buckets = options.buckets;
    this.series = new SeriesMap<HistogramSeries>((labels) => ({ labels, counts: new Array<number>(options.buckets.length + 1).fill(0), sum: 0, count: 0 }), options.labelNames);
    options.registry.registerMetric(this as never);
    // Without labels there is one series, shown from the start as prom-client shows its own.
    if (options.labelNames.length === 0) this.series.get([]);
  }

  observe(values: readonly string[], value: number): void {
    const s = this.series.get(values);
    let i = 0;
    while (i < this.buckets.length && value > (this.buckets[i] as number)) i++;
    s.counts[i] = (s.counts[i] as number) + 1;
    s.sum += value;
    s.count += 1;
  }

  /** What prom-client's Registry reads: every series' cumulative buckets, sum and count. */
  async get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of this.series.all()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += s.counts[i] as number;
        values.push({ labels: { ...s.labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const s of this.series.all()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
