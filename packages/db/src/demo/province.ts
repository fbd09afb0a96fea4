import { SCHOOL_CATEGORY_CODE, type ImportRecord, type Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { createUser } from '../services/accounts.js';
import { SYSTEM_ACTOR } from '../services/actor.js';
import { importReports, type ImportMode } from '../services/imports.js';
import { createOrgUnit } from '../services/org.js';
import { hashOncePerPassword } from '../services/passwords.js';
import { DEMO_QUARTERS } from './calendar.js';
import { demoPeriod, simulateSchool, type QuarterFigures, type QuarterSpan } from './figures.js';
import { demoSchoolPlans, type DemoSchoolPlan } from './places.js';
import { demoProfiles, type DemoSchool } from './profiles.js';
import { seededRandom } from './random.js';
import { demoActor, registerDemoSchool } from './register.js';

/**
 * A synthetic province for the benchmark (`pnpm bench`): counties of varying size, each a mix of schools like the
 * demo county's (every type, urban, town and rural), with quarterly figures from the demo's own generator. Everything
 * goes through the services a user's input takes: org units, accounts and schools are created one by one, and the
 * reports arrive as the bureau's approved county-sheet imports (`importReports`, every catalogue rule checked).
 */
export interface ProvinceOptions {
  counties: number;
  schools: number;
  years: number;
  password: string;
  /** Share of schools whose last quarter is left as a draft (awaiting submission), for freshness checks. */
  draftShare?: number;
  /** Counties seeded at the same time. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ProvinceCounty {
  id: number;
  code: string;
  name: string;
  cityId: number;
  schools: number;
  officer: { id: number; username: string };
}

export interface ProvinceSummary {
  provinceId: number;
  cityIds: number[];
  counties: ProvinceCounty[];
  provinceOfficer: { id: number; username: string };
  /** The closed quarters generated, oldest first. */
  periods: Period[];
  /** The quarter after them (the bench saves and imports into it). */
  nextPeriod: Period;
  values: number;
  reports: number;
}

const CITY_SIZE = 10;
const PROVINCE = { code: '520000', name: '黔州省' };

/** The quarters of `years` years ending with the demo's last closed quarter (2026Q3). */
export function provinceSpan(years: number): QuarterSpan {
  const to = DEMO_QUARTERS - 1;
  return { from: to - years * 4 + 1, to };
}

/** How many schools each county gets: sizes vary from about half to one and a half times the mean, at least 40. */
export function countySizes(counties: number, schools: number, seed = 7): number[] {
  const random = seededRandom(seed);
  const weights = Array.from({ length: counties }, () => 0.5 + random.next());
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(40, Math.floor((w / total) * schools)));
  let rest = schools - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % counties, rest--) sizes[i]! += 1;
  return sizes;
}

/** A county's school plans: the demo county's mix, repeated as needed, renamed for the county. */
export function countyPlans(countyName: string, count: number, seed: number): DemoSchoolPlan[] {
  const random = seededRandom(seed);
  const plans: DemoSchoolPlan[] = [];
  const short = countyName.slice(0, -1);
  for (let batch = 0; plans.length < count; batch++) {
    for (const plan of demoSchoolPlans(random)) {
      if (plans.length === count) break;
      const name = plan.name.replace('青石县', countyName).replace('青石', short);
      plans.push({ ...plan, name: batch ? `${name}（${batch + 1}）` : name });
    }
  }
  return plans;
}

/** The county-sheet records for some quarters of some schools' figures, as the sheet reader would hand them over. */
export function importRecords(rows: readonly { code: string; quarters: readonly QuarterFigures[] }[], periods: ReadonlySet<Period>): ImportRecord[] {
  const records: ImportRecord[] = [];
  let row = 1;
  for (const { code, quarters } of rows) {
    for (const q of quarters) {
      if (!periods.has(q.period)) continue;
      row += 1;
      const at = (column: string) => ({ sheet: '县汇总', row, column });
      records.push({
        template: 'county',
        schoolCode: code,
        schoolAt: at('A'),
        period: q.period,
        periodAt: at('B'),
        cells: Object.entries(q.values).map(([c, raw], i) => ({ code: c, raw: raw as string | number | boolean, at: at(String(i)) })),
      });
    }
  }
  return records;
}

/** One county: its officer, its schools, and every quarter's figures imported year by year. */
async function seedCounty(
  db: Kysely<Database>,
  county: { id: number; code: string; name: string; cityId: number; index: number; size: number },
  options: ProvinceOptions,
  hash: ReturnType<typeof hashOncePerPassword>,
  sequence: { next: number },
): Promise<{ county: ProvinceCounty; values: number; reports: number }> {
  const officer = await createUser(
    db,
    SYSTEM_ACTOR,
    { role: 'bureau_officer', username: `officer${county.code}`, displayName: `${county.name}教育局`, password: options.password, orgUnitId: county.id },
    { hash },
  );
  const actor = await demoActor(db, officer.id);
  const random = seededRandom(1000 + county.index);
  const schools: DemoSchool[] = [];
  for (const plan of countyPlans(county.name, county.size, 2000 + county.index)) {
    const code = `${SCHOOL_CATEGORY_CODE[plan.type]}${PROVINCE.code.slice(0, 2)}${String(sequence.next++).padStart(6, '0')}`;
    schools.push(await registerDemoSchool(db, actor, plan, { countyId: county.id, townshipId: null, code }, random));
  }

  const span = provinceSpan(options.years);
  const profiles = demoProfiles(schools, seededRandom(3000 + county.index));
  const figures = profiles.map((p, i) => ({ code: p.school.code, quarters: simulateSchool(p, seededRandom(4000 + county.index * 1000 + i), span) }));
  const drafts = new Set(figures.filter((_, i) => seededRandom(5000 + county.index * 1000 + i).next() < (options.draftShare ?? 0.05)).map((f) => f.code));
  const last = demoPeriod(span.to);
  let values = 0;
  let reports = 0;
  const load = async (rows: typeof figures, periods: Period[], mode: ImportMode) => {
    const records = importRecords(rows, new Set(periods));
    if (!records.length) return;
    const result = await importReports(db, actor, records, {
      mode,
      fileName: `${county.name}${periods[0]}.xlsx`,
      fileHash: `${county.code}${periods[0]}${mode}`.padEnd(64, '0'),
    });
    if (!result.ok) throw new Error(`基准数据导入失败（${county.name} ${periods.join(',')}）：${result.errors[0]?.message}`);
    reports += records.length;
    values += records.reduce((t, r) => t + r.cells.length, 0);
  };
  for (let from = span.from; from <= span.to; from += 4) {
    const periods = Array.from({ length: Math.min(4, span.to - from + 1) }, (_, i) => demoPeriod(from + i));
    const closed = periods.filter((p) => p !== last);
    await load(figures, closed, 'approved');
    if (periods.includes(last)) {
      await load(
        figures.filter((f) => !drafts.has(f.code)),
        [last],
        'approved',
      );
      await load(
        figures.filter((f) => drafts.has(f.code)),
        [last],
        'draft',
      );
    }
  }
  return {
    county: {
      id: county.id,
      code: county.code,
      name: county.name,
      cityId: county.cityId,
      schools: schools.length,
      officer: { id: officer.id, username: officer.username },
    },
    values,
    reports,
  };
}

/** Seeds an empty database with the synthetic province (see `ProvinceOptions`). */
export async function seedProvince(db: Kysely<Database>, options: ProvinceOptions): Promise<ProvinceSummary> {
  const hash = hashOncePerPassword();
  const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', ...PROVINCE });
  const provinceOfficer = await createUser(
    db,
    SYSTEM_ACTOR,
    { role: 'bureau_officer', username: 'officer-province', displayName: '省教育厅', password: options.password, orgUnitId: province.id },
    { hash },
  );
  const sizes = countySizes(options.counties, options.schools);
  const cityIds: number[] = [];
  const plannedCounties: { id: number; code: string; name: string; cityId: number; index: number; size: number }[] = [];
  for (let c = 0; c < options.counties; c++) {
    if (c % CITY_SIZE === 0) {
      const n = c / CITY_SIZE + 1;
      const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: `52${String(n).padStart(2, '0')}00`, name: `第${n}市` });
      cityIds.push(city.id);
    }
    const cityId = cityIds.at(-1)!;
    const n = Math.floor(c / CITY_SIZE) + 1;
    const code = `52${String(n).padStart(2, '0')}${String((c % CITY_SIZE) + 1).padStart(2, '0')}`;
    const unit = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: cityId, level: 'county', code, name: `第${c + 1}县` });
    plannedCounties.push({ id: unit.id, code, name: unit.name, cityId, index: c, size: sizes[c]! });
  }

  const sequence = { next: 1 };
  const results: Awaited<ReturnType<typeof seedCounty>>[] = new Array(plannedCounties.length);
  let cursor = 0;
  let done = 0;
  const worker = async () => {
    while (cursor < plannedCounties.length) {
      const i = cursor++;
      results[i] = await seedCounty(db, plannedCounties[i]!, options, hash, sequence);
      options.onProgress?.(++done, plannedCounties.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  const span = provinceSpan(options.years);
  return {
    provinceId: province.id,
    cityIds,
    counties: results.map((r) => r.county),
    provinceOfficer: { id: provinceOfficer.id, username: provinceOfficer.username },
    periods: Array.from({ length: span.to - span.from + 1 }, (_, i) => demoPeriod(span.from + i)),
    nextPeriod: demoPeriod(span.to + 1),
    values: results.reduce((t, r) => t + r.values, 0),
    reports: results.reduce((t, r) => t + r.reports, 0),
  };
}

/** Principal accounts (username = school code) for up to `limit` schools of a county, one shared password hash. */
export async function addPrincipals(
  db: Kysely<Database>,
  countyId: number,
  password: string,
  limit: number,
): Promise<{ schoolId: number; username: string }[]> {
  const hash = hashOncePerPassword();
  const schools = await db.selectFrom('schools').select(['id', 'code']).where('countyId', '=', countyId).orderBy('code').limit(limit).execute();
  const made: { schoolId: number; username: string }[] = [];
  for (const s of schools) {
    const existing = await db.selectFrom('users').select('username').where('username', '=', s.code).executeTakeFirst();
    if (!existing)
      await createUser(db, SYSTEM_ACTOR, { role: 'principal', username: s.code, displayName: `校长${s.code.slice(-4)}`, password, schoolId: s.id }, { hash });
    made.push({ schoolId: s.id, username: s.code });
  }
  return made;
}
