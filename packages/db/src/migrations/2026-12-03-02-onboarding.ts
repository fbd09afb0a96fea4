import type { Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // A password someone else chose (an admin, the roster import, a reset) is changed by its owner at first sign-in.
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  // The roster names each school's principal (or contact) and a mobile number, so the bureau knows whom to call.
  await db.schema.alterTable('schools').addColumn('contact_name', 'text').addColumn('contact_phone', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('schools').dropColumn('contact_name').dropColumn('contact_phone').execute();
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
}
