import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('org_units')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('parent_id', 'integer', (c) => c.references('org_units.id'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('province', 'city', 'county', 'township')`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('org_units_parent_idx').on('org_units').column('parent_id').execute();

  await db.schema
    .createTable('schools')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('township_id', 'integer', (c) => c.references('org_units.id'))
    .addColumn('code', 'char(10)', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('ownership', 'text', (c) => c.notNull().check(sql`ownership in ('public', 'private')`))
    .addColumn('location', 'text', (c) => c.notNull().check(sql`location in ('urban', 'town', 'rural')`))
    .addColumn('boarding', 'boolean', (c) => c.notNull())
    .addColumn('building_area_m2', 'double precision', (c) => c.notNull().check(sql`building_area_m2 > 0`))
    .addColumn('site_area_m2', 'double precision', (c) => c.notNull().check(sql`site_area_m2 > 0`))
    .addColumn('has_canteen', 'boolean', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('schools_county_idx').on('schools').columns(['county_id', 'name']).execute();
  await db.schema.createIndex('schools_county_name_unique').on('schools').columns(['county_id', 'name']).unique().execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('system_admin', 'bureau_admin', 'bureau_officer', 'principal')`))
    .addColumn('org_unit_id', 'integer', (c) => c.references('org_units.id'))
    .addColumn('school_id', 'integer', (c) => c.references('schools.id'))
    .addColumn('county_id', 'integer', (c) => c.references('org_units.id'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'users_binding_check',
      sql`(role = 'principal' and school_id is not null and county_id is not null)
        or (role in ('bureau_admin', 'bureau_officer') and org_unit_id is not null and school_id is null)
        or (role = 'system_admin' and org_unit_id is null and school_id is null)`,
    )
    .execute();
  await sql`create unique index users_username_unique on users (lower(username))`.execute(db);
  await db.schema.createIndex('users_county_idx').on('users').column('county_id').execute();
  await db.schema.createIndex('users_school_idx').on('users').column('school_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'integer', (c) => c.references('users.id'))
    .addColumn('county_id', 'integer', (c) => c.references('org_units.id'))
    .addColumn('school_id', 'integer', (c) => c.references('schools.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_log_county_at_idx').on('audit_log').columns(['county_id', 'at']).execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity', 'entity_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'login_throttle', 'sessions', 'users', 'schools', 'org_units']) {
    await db.schema.dropTable(table).execute();
  }
}
