// Operations on the users table.
import type { Store } from './database.js';
import type { UserRow } from './schema.js';

export async function insertUser(db: Store, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function findAdminUser(db: Store): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('is_admin', '=', 1).orderBy('created_at').limit(1).executeTakeFirst();
}

export async function isAdminUser(db: Store, id: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('is_admin').where('id', '=', id).executeTakeFirst();
  return row?.is_admin === 1;
}

/**
 * Inside a transaction: takes the write lock on every admin user row (PostgreSQL: their row locks;
 * SQLite: the database's one write lock) with an update that changes nothing, so transactions that
 * count admin tokens before deleting one run one after the other and each counts what the previous
 * left. SQLite has no SELECT … FOR UPDATE, and kysely's forUpdate() would not compile there.
 */
export async function lockAdminUsers(trx: Store): Promise<void> {
  await trx.updateTable('users').set({ is_admin: 1 }).where('is_admin', '=', 1).execute();
}
