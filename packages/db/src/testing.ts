import { inputIndicatorsFor, periodEndDate, type Period, type ReportValues, type SchoolCreateInput } from '@oversight/domain';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type DatabaseHandle, type DatabaseKind } from './connect.js';
import { migrateToLatest } from './migrate.js';
import type { School } from './schema.js';

/**
 * Test support: every data-layer and API test runs on both the embedded PGlite and a real PostgreSQL server,
 * each test file in its own freshly created database.
 *
 * PostgreSQL is taken from TEST_DATABASE_URL (default: the local server). When it cannot be reached the
 * PostgreSQL run is skipped with a plain notice, unless REQUIRE_POSTGRES=1 (set by CI), which makes it a failure.
 */
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<string | null> | undefined;

/** null when PostgreSQL answers, otherwise why not. */
function postgresProblem(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

let counter = 0;

/** A new, empty PostgreSQL database on the test server; `drop` removes it (closing any connection left). */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `oversight_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: ADMIN_URL });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** A new, migrated, empty database of the given kind; `close` drops it. */
export async function createTestDatabase(kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return handle;
  }
  const database = await createPostgresDatabase();
  const handle = await openDatabase({ databaseUrl: database.url, poolSize: 5 });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}

/** The kinds this run covers; reports (or, under REQUIRE_POSTGRES=1, fails on) an unreachable PostgreSQL. */
export async function databaseKinds(): Promise<DatabaseKind[]> {
  const problem = await postgresProblem();
  if (!problem) return ['pglite', 'postgres'];
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(`PostgreSQL is required (REQUIRE_POSTGRES=1) but ${ADMIN_URL} is not reachable: ${problem}`);
  }
  console.warn(
    `\n[school-oversight] PostgreSQL at ${ADMIN_URL} is not reachable (${problem}).\n` +
      '[school-oversight] SKIPPED the PostgreSQL run: these tests ran on PGlite only.\n',
  );
  return ['pglite'];
}

/**
 * `describe` once per database kind. A skipped PostgreSQL run shows up in the report as a skipped suite
 * named after the reason, so nobody mistakes a PGlite-only run for a full one.
 */
export async function describeEachDatabase(name: string, body: (kind: DatabaseKind) => void): Promise<void> {
  const kinds = await databaseKinds();
  for (const kind of kinds) describe(`${name} [${kind}]`, () => body(kind));
  if (!kinds.includes('postgres')) describe.skip(`${name} [postgres: SKIPPED, server not reachable]`, () => body('postgres'));
}

/**
 * A complete report for a school, driven by the catalogue: every applicable figure at its lowest valid value
 * (statuses at their expected or first option, dates at the quarter's end), then the figures a test is about.
 */
export function completeValues(school: Pick<School, 'type' | 'hasCanteen'>, period: Period, figures: ReportValues): ReportValues {
  const values: ReportValues = {};
  for (const ind of inputIndicatorsFor(school)) {
    if (ind.valueType === 'integer' || ind.valueType === 'decimal') values[ind.code] = ind.min ?? 0;
    else if (ind.valueType === 'boolean') values[ind.code] = typeof ind.expected === 'boolean' ? ind.expected : false;
    else if (ind.valueType === 'enum') values[ind.code] = ind.options![0]!.value;
    else if (ind.valueType === 'date') values[ind.code] = periodEndDate(period);
    // Texts (a school's practice, 本季度主要做法) are optional: left out unless a test is about them.
  }
  return { ...values, ...figures };
}

let schoolSequence = 0;

/** A valid new school for tests: a rural primary school with a canteen, its code and name numbered to stay unique. */
export function schoolInput(countyId: number, overrides: Partial<SchoolCreateInput> = {}): SchoolCreateInput {
  schoolSequence += 1;
  return {
    countyId,
    code: `215100${String(schoolSequence).padStart(4, '0')}`,
    name: `测试小学${schoolSequence}`,
    type: 'primary',
    ownership: 'public',
    location: 'rural',
    boarding: false,
    buildingAreaM2: 3000,
    siteAreaM2: 8000,
    hasCanteen: true,
    ...overrides,
  };
}
