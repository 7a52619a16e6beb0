// Prometheus text exposition format 0.0.4, read strictly enough to catch a malformed line: every
// line is a HELP or TYPE comment, or a sample `name{label="value",…} value`, and every sample
// belongs to a family that declared its TYPE (a histogram's _bucket, _sum and _count included).
import assert from 'node:assert/strict';

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
// prom-client writes NaN as "Nan"; Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case.
const VALUE = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[Nn][Aa][Nn]|[-+][Ii][Nn][Ff])';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?,?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  types: Map<string, string>;
  /** The value of the one sample with this name and exactly these labels (0 when there is none). */
  value(name: string, labels?: Record<string, string>): number;
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  }
  return undefined;
}

export function parsePrometheusText(text: string): Scrape {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = TYPE.exec(line);
    if (type) {
      assert.ok(!types.has(type[1]!), `TYPE of ${type[1]} declared twice`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (HELP.test(line)) continue;
    const sample = SAMPLE.exec(line);
    assert.ok(sample, `not a Prometheus text line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(LABEL_PAIR)) labels[key!] = value!;
    const raw = sample[3]!;
    const value = /^\+inf$/i.test(raw) ? Infinity : /^-inf$/i.test(raw) ? -Infinity : /^nan$/i.test(raw) ? Number.NaN : Number(raw);
    assert.ok(familyOf(sample[1]!, types), `${sample[1]} has no TYPE line before it`);
    samples.push({ name: sample[1]!, labels, value });
  }
  const keyOf = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  return {
    samples,
    types,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && keyOf(s.labels) === keyOf(labels));
      assert.ok(found.length <= 1, `${name} ${keyOf(labels)} appears ${found.length} times`);
      return found[0]?.value ?? 0;
    },
  };
}
