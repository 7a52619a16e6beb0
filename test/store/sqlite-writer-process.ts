// One of two processes writing to one SQLite file at once (sqlite-two-processes.test.ts): ROUNDS
// transactions that read, then write — the shape of a token creation (count, then insert) — and
// prints how many committed and the codes of those that failed.
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';

const store = openStore({ dataDir: process.env.DATA_DIR!, databaseUrl: undefined });
const rounds = Number(process.env.ROUNDS ?? 500);
let committed = 0;
const failures: string[] = [];
for (let i = 0; i < rounds; i += 1) {
  try {
    await store.transaction().execute(async (tx) => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from users`.execute(tx);
      await tx
        .insertInto('users')
        .values({ id: `usr_${process.pid}_${i}`, name: `writer ${rows[0]!.n}`, is_admin: 0, created_at: new Date().toISOString() })
        .execute();
    });
    committed += 1;
  } catch (error) {
    failures.push(String((error as { code?: unknown }).code ?? (error as Error).message));
  }
}
await store.destroy();
process.stdout.write(`${JSON.stringify({ committed, failures: [...new Set(failures)] })}\n`);
