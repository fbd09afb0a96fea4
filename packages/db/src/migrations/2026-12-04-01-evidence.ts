import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // The files behind a school's quarterly figures (issue 15): the bytes live in the evidence store under their
  // SHA-256 (deduplicated); a row says which report (school × quarter) and which indicator or domain they support.
  await db.schema
    .createTable('evidence_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('school_id', 'integer', (c) => c.notNull().references('schools.id'))
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period ~ '^[0-9]{4}Q[1-4]$'`))
    .addColumn('indicator', 'text')
    .addColumn('domain', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size >= 0`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('evidence_files_one_anchor', sql`indicator is null or domain is null`)
    .execute();
  await db.schema.createIndex('evidence_files_report_idx').on('evidence_files').columns(['school_id', 'period', 'uploaded_at']).execute();
  await db.schema.createIndex('evidence_files_county_idx').on('evidence_files').columns(['county_id', 'period']).execute();
  await db.schema.createIndex('evidence_files_sha256_idx').on('evidence_files').column('sha256').execute();
  // From which quarter a county requires the evidence its catalogue entries name; null: not required.
  await db.schema.alterTable('county_settings').addColumn('evidence_from', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('county_settings').dropColumn('evidence_from').execute();
  await db.schema.dropTable('evidence_files').execute();
}
