// Deliveries per minute as stacked bars, inline SVG (no chart library: 60 bars need ~40 lines).
// Colours are attributes, not style, so the page's CSP (style-src 'self') has nothing to block.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Overview } from '../types.js';

const WIDTH = 600;
const HEIGHT = 120;
const SERIES = [
  { key: 'delivered', label: 'delivered' },
  { key: 'failed', label: 'failed' },
  { key: 'pending', label: 'pending' },
] as const;

export function DeliveriesChart({ minutes }: { minutes: Overview['deliveriesPerMinute'] }): VNode {
  const totals = minutes.map((m) => m.delivered + m.failed + m.pending);
  const highest = Math.max(1, ...totals);
  const barWidth = WIDTH / Math.max(1, minutes.length);
  const sum = (key: (typeof SERIES)[number]['key']) => minutes.reduce((n, m) => n + m[key], 0);
  const summary = `Last ${minutes.length} minutes: ${SERIES.map((s) => `${sum(s.key)} ${s.label}`).join(', ')}; at most ${Math.max(0, ...totals)} in one minute.`;
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label=${summary} preserveAspectRatio="none">
      <line class="axis" x1="0" y1=${HEIGHT - 0.5} x2=${WIDTH} y2=${HEIGHT - 0.5} />
      ${minutes.map((m, i) => {
        let y = HEIGHT;
        return SERIES.map((s) => {
          const h = (m[s.key] / highest) * (HEIGHT - 4);
          y -= h;
          return h > 0 ? html`<rect class=${s.key} x=${i * barWidth + 1} y=${y} width=${Math.max(1, barWidth - 2)} height=${h}><title>${m.minute}: ${m[s.key]} ${s.label}</title></rect>` : null;
        });
      })}
    </svg>
    <figcaption>
      ${SERIES.map((s) => html`<span class=${`key ${s.key}`}>${sum(s.key)} ${s.label}</span> `)}
      <span class="muted">(max ${Math.max(0, ...totals)}/min)</span>
    </figcaption>
  </figure>`;
}
