-- Citus layout for school-oversight (see infra/SCALING.md). Run once on the coordinator after the migrations,
-- before loading data: `psql "$DATABASE_URL" -f infra/citus/distribute.sql`.
-- School data is distributed by county_id (one county's rows live together on one shard); the catalogue lives
-- in code; the hierarchy, accounts and sessions are small reference tables copied to every worker.
create extension if not exists citus;

-- Reference tables: read by every county's queries, written rarely.
select create_reference_table('org_units');
select create_reference_table('users');
select create_reference_table('sessions');
select create_reference_table('login_throttle');
select create_reference_table('county_settings');

-- School data, co-located by county so joins on (county_id, school_id) stay on one shard.
-- Unique keys must include the distribution column: the bench-verified queries already filter by county_id;
-- schools(code) stays unique per county here and is checked province-wide by the service before insert.
select create_distributed_table('schools', 'county_id');
select create_distributed_table('reports', 'county_id', colocate_with => 'schools');
select create_distributed_table('targets', 'county_id', colocate_with => 'schools');
select create_distributed_table('reminders', 'county_id', colocate_with => 'schools');
select create_distributed_table('outbox', 'county_id', colocate_with => 'schools');
select create_distributed_table('audit_log', 'county_id', colocate_with => 'schools');
select create_distributed_table('county_figures', 'county_id', colocate_with => 'schools');
-- Summaries of a city span counties (county_id null): kept on the coordinator as a reference table.
select create_reference_table('summaries');
select create_reference_table('summary_versions');
