// Operations on the users table.
import type { Store } from './database.js';
import type { UserRow } from './schema.js';

export async function insertUser(db: Store, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function findAdminUser(db: Store): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('is_admin', '=', 1).orderBy('created_at').limit(1).executeTakeFirst();
}

export async function findUser(db: Store, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}
