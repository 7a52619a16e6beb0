// The outbox's two gauges for /metrics, read from the store at scrape time (one query each,
// src/store/deliveries/outbox-gauges.ts): every process and node sharing the store sees the same outbox.
import type { Store } from '../store/database.js';
import { countPendingDeliveries, oldestDueDeliveryAt } from '../store/deliveries/outbox-gauges.js';
import type { OutboxGaugeSources } from '../metrics/recorder.js';

export function outboxGaugeSources(db: Store, nowMs: () => number = Date.now): OutboxGaugeSources {
  return {
    pendingDeliveries: () => countPendingDeliveries(db),
    async oldestDueAgeSeconds() {
      const now = nowMs();
      const dueAt = await oldestDueDeliveryAt(db, new Date(now).toISOString());
      return dueAt === undefined ? 0 : Math.max(0, (now - Date.parse(dueAt)) / 1000);
    },
  };
}
