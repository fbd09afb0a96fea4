import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // Each-school targets may also be set on the fair comparison (issue 17): the ratio of actual to expected use,
  // or the efficiency score 1–100.
  await sql`alter table targets drop constraint targets_measure_check`.execute(db);
  await sql`alter table targets add constraint targets_measure_check
    check (measure in ('value', 'change_percent', 'status_count', 'status_share', 'expected_ratio', 'score'))`.execute(db);
  await sql`alter table targets add constraint targets_adjusted_each_school_check
    check (measure not in ('expected_ratio', 'score') or kind = 'each_school')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from targets where measure in ('expected_ratio', 'score')`.execute(db);
  await sql`alter table targets drop constraint targets_adjusted_each_school_check`.execute(db);
  await sql`alter table targets drop constraint targets_measure_check`.execute(db);
  await sql`alter table targets add constraint targets_measure_check
    check (measure in ('value', 'change_percent', 'status_count', 'status_share'))`.execute(db);
}
