import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // Attempts are now counted (and reserved) before they run — sign-ins before the password is checked, costly calls
  // before they start — and a key past its limit waits for its window to pass instead of being locked: one table of
  // counters serves both, the lock column goes.
  await sql`alter table login_throttle rename to attempt_counters`.execute(db);
  await sql`alter table attempt_counters rename column failures to attempts`.execute(db);
  await db.schema.alterTable('attempt_counters').dropColumn('locked_until').execute();
  // Addresses an account has signed in from: they keep their own limit when a stranger floods the account's.
  await db.schema
    .createTable('sign_in_addresses')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('last_signed_in_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sign_in_addresses_pkey', ['user_id', 'address'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_addresses').execute();
  await db.schema.alterTable('attempt_counters').addColumn('locked_until', 'timestamptz').execute();
  await sql`alter table attempt_counters rename column attempts to failures`.execute(db);
  await sql`alter table attempt_counters rename to login_throttle`.execute(db);
}
