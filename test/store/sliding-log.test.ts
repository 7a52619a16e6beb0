// The store's sliding windows (src/store/sliding-log.ts) decide as the rule in src/sliding-window.ts
// does, on both stores: on PostgreSQL the rule runs as SQL inside the database (migration 011), so
// random windows check that the two cannot drift apart; and there an admission is one statement.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import pg from 'pg';
import { admitToWindow } from '../../src/sliding-window.js';
import { admitToStoredWindow } from '../../src/store/sliding-log.js';
import { openStoreIn, openTestStore, type TestStore } from '../support/store-fixture.js';

const WINDOW_ID = 'stripe:agreement';
const onSqlite = process.env.TEST_DATABASE_URL ? false : 'PostgreSQL only: SQLite runs the rule in TypeScript';

/** A window as some processes left it: its next number and the starts still recorded. */
interface StoredWindow {
  nextSeq: number;
  /** Times of starts nextSeq − starts.length … nextSeq − 1; undefined: forgotten. */
  starts: Array<number | undefined>;
}

const nowMs = fc.double({ min: 1_700_000_000_000, max: 1_700_000_100_000, noNaN: true });

const windows: fc.Arbitrary<StoredWindow> = fc
  .record({
    earlier: fc.integer({ min: 0, max: 80 }),
    // Ms before now (negative: a clock that went back); undefined: forgotten after leaving the window.
    ages: fc.array(fc.option(fc.oneof(fc.double({ min: -50, max: 3_000, noNaN: true }), fc.integer({ min: 0, max: 2_000 })), { nil: undefined }), {
      maxLength: 40,
    }),
  })
  .map(({ earlier, ages }) => ({ nextSeq: earlier + ages.length, starts: ages }));

describe('a stored sliding window', () => {
  let t: TestStore;

  before(async () => {
    t = await openTestStore();
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await t.db.deleteFrom('limit_windows').execute();
  });

  test('admits exactly what the rule admits, with its wait, and records exactly the admitted starts', async () => {
    await fc.assert(
      fc.asyncProperty(
        windows,
        nowMs,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.integer({ min: 1, max: 2_500 }), fc.double({ min: 0.5, max: 2_500, noNaN: true })),
        async (window, now, wanted, limit, windowMs) => {
          await t.db.deleteFrom('limit_windows').execute();
          await t.db.insertInto('limit_windows').values({ id: WINDOW_ID, connection_id: null, next_seq: window.nextSeq }).execute();
          const firstSeq = window.nextSeq - window.starts.length;
          const times = new Map<number, number>();
          window.starts.forEach((age, i) => {
            if (age !== undefined) times.set(firstSeq + i, now - age);
          });
          if (times.size > 0) {
            await t.db
              .insertInto('limit_window_starts')
              .values([...times].map(([seq, startedAtMs]) => ({ window_id: WINDOW_ID, seq, started_at_ms: startedAtMs })))
              .execute();
          }

          const expected = admitToWindow(window.nextSeq, now, wanted, limit, windowMs, (seq) => times.get(seq));
          const got = await admitToStoredWindow(t.db, { windowId: WINDOW_ID, wanted, limit, windowMs, nowMs: () => now });
          assert.deepEqual(got, expected);

          const stored = await t.db.selectFrom('limit_windows').select('next_seq').where('id', '=', WINDOW_ID).executeTakeFirstOrThrow();
          assert.equal(Number(stored.next_seq), window.nextSeq + expected.admitted);
          // Inside the window: the earlier starts still there, and the admitted ones at `now`
          // (starts that left it may have been forgotten).
          const inside = await t.db
            .selectFrom('limit_window_starts')
            .select(['seq', 'started_at_ms'])
            .where('window_id', '=', WINDOW_ID)
            .where('started_at_ms', '>', now - windowMs)
            .orderBy('seq')
            .execute();
          const wantedInside = [...times].filter(([, at]) => at > now - windowMs).map(([seq, at]) => ({ seq, started_at_ms: at }));
          for (let i = 0; i < expected.admitted; i += 1) wantedInside.push({ seq: window.nextSeq + i, started_at_ms: now });
          assert.deepEqual(
            inside.map((r) => ({ seq: Number(r.seq), started_at_ms: r.started_at_ms })),
            wantedInside.sort((a, b) => a.seq - b.seq),
          );
        },
      ),
      { numRuns: 150, seed: 20_261_126 },
    );
  });

  test('admissions racing from two stores on one window admit exactly the limit between them', async () => {
    // Two pools on one database (or two handles on one SQLite file), as two processes: each
    // admission that waits for the window row's lock must see the starts its holder committed.
    const other = await openStoreIn(t.dataDir);
    try {
      const now = 1_700_000_000_000;
      const ask = (db: typeof t.db) => admitToStoredWindow(db, { windowId: WINDOW_ID, wanted: 1, limit: 3, windowMs: 60_000, nowMs: () => now });
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => ask(i % 2 === 0 ? t.db : other)));
      assert.equal(answers.filter((a) => a?.admitted === 1).length, 3);
      assert.ok(answers.every((a) => a && (a.admitted === 1 ? a.waitMs === 0 : a.waitMs === 60_000)));
      const starts = await t.db.selectFrom('limit_window_starts').select('seq').where('window_id', '=', WINDOW_ID).execute();
      assert.deepEqual(starts.map((r) => Number(r.seq)).sort(), [0, 1, 2]);
    } finally {
      await other.destroy();
    }
  });

  test('a connection window is not created for a connection that does not exist, and nothing is written', async () => {
    const got = await admitToStoredWindow(t.db, { windowId: 'action:conn_gone', connectionId: 'conn_gone', wanted: 1, limit: 5, windowMs: 1_000 });
    assert.equal(got, undefined);
    assert.deepEqual(await t.db.selectFrom('limit_windows').selectAll().execute(), []);
  });

  test('on PostgreSQL one admission is one statement, with no BEGIN or COMMIT around it', { skip: onSqlite }, async () => {
    // Warm the pool first, so connecting is not counted.
    await admitToStoredWindow(t.db, { windowId: WINDOW_ID, wanted: 1, limit: 5, windowMs: 1_000 });
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      sent.push(typeof first === 'string' ? first : String((first as { text?: unknown }).text));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      const got = await admitToStoredWindow(t.db, { windowId: WINDOW_ID, wanted: 2, limit: 5, windowMs: 1_000 });
      assert.deepEqual(got, { admitted: 2, waitMs: 0 });
    } finally {
      pg.Client.prototype.query = query;
    }
    assert.equal(sent.length, 1, sent.join('\n'));
    assert.doesNotMatch(sent[0]!, /\b(begin|commit)\b/i);
  });
});
