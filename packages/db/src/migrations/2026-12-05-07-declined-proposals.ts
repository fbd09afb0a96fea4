import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // Target proposals an officer declined (不采纳, issue 16): kept so a declined proposal stays declined for the
  // county's year after a reload and for the other officers, until someone restores it.
  await db.schema
    .createTable('declined_proposals')
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('proposal_key', 'text', (c) => c.notNull().check(sql`length(proposal_key) between 1 and 200`))
    .addColumn('declined_by', 'integer', (c) => c.references('users.id'))
    .addColumn('declined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('declined_proposals_pkey', ['county_id', 'year', 'proposal_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('declined_proposals').execute();
}
