// One admission to a sliding window (src/store/sliding-log.ts) as one PostgreSQL function, so a
// process asks with ONE autocommitted statement instead of a transaction of 5–7 round trips
// (BEGIN, lock, read, insert, advance, sometimes forget, COMMIT). It is that same transaction run
// inside the server: the upsert takes the window row's lock (waiting for a holder to commit) and
// keeps it to the end of the statement; every statement after it in a volatile function reads a
// fresh snapshot, so it sees the starts the previous holder committed while this one waited (a
// single statement of data-modifying CTEs could not: it reads with the snapshot taken before the
// wait). The clock is the database's, read once the lock is held; `at_ms` (tests) wins.
//
// The rule is src/sliding-window.ts's, in one SQL statement: starts are numbered; start n may be
// admitted once start n − limit has left the window, and the first of the wanted starts whose
// earlier one has not stops the admission, with the wait until it does. test/store/sliding-log
// checks on random windows that this and admitToWindow decide alike.
//
// Returns no row for a connection's window when the connection does not exist. SQLite needs none
// of this (its transaction is in-process and synchronous): nothing is created there.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function admit_to_limit_window(
      for_window text,
      for_connection text,
      wanted integer,
      start_limit bigint,
      window_ms double precision,
      forget_every integer,
      at_ms double precision
    ) returns table (admitted integer, wait_ms double precision)
    language plpgsql volatile
    as $$
    declare
      first_seq bigint;
      now_ms double precision;
    begin
      if for_connection is null then
        insert into limit_windows as w (id, connection_id, next_seq) values (for_window, null, 0)
          on conflict (id) do update set next_seq = w.next_seq
          returning w.next_seq into first_seq;
      else
        insert into limit_windows as w (id, connection_id, next_seq)
          select for_window, c.id, 0 from connections c where c.id = for_connection
          on conflict (id) do update set next_seq = w.next_seq
          returning w.next_seq into first_seq;
        if not found then
          return;
        end if;
      end if;
      now_ms := coalesce(at_ms, cast(extract(epoch from clock_timestamp()) * 1000 as double precision));

      select coalesce(blocking.seq - first_seq + start_limit, least(wanted, start_limit)),
             -- (greatest() skips a null, so the case: no blocking start, no wait)
             case when blocking.seq is null then 0 else greatest(1, blocking.started_at_ms + window_ms - now_ms) end
        into admitted, wait_ms
        from (select 1) as one
        left join lateral (
          select s.seq, s.started_at_ms from limit_window_starts s
           where s.window_id = for_window
             and s.seq between first_seq - start_limit and first_seq + least(wanted, start_limit) - 1 - start_limit
             and s.started_at_ms > now_ms - window_ms
           order by s.seq
           limit 1
        ) as blocking on true;

      if admitted > 0 then
        insert into limit_window_starts (window_id, seq, started_at_ms)
          select for_window, first_seq + i, now_ms from generate_series(0, admitted - 1) as i;
        update limit_windows set next_seq = first_seq + admitted where id = for_window;
        if (first_seq + admitted) / forget_every > first_seq / forget_every then
          delete from limit_window_starts where window_id = for_window and started_at_ms <= now_ms - window_ms;
        end if;
      end if;
      return next;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop function admit_to_limit_window(text, text, integer, bigint, double precision, integer, double precision)`.execute(db);
}
