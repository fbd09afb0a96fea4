import {
  period,
  type Period,
  type QuarterReport,
  type ReportValues,
  type Submission,
  type SummaryInput,
  type SummarySchool,
  type Target,
} from '../src/index.js';

/**
 * A small county for summary tests: seven schools of different kinds, two years of quarterly reports written
 * plainly (no aggregation code), some of them late, returned or missing.
 */
export interface StoredReport extends QuarterReport {
  status: Submission['status'];
  late: boolean;
}

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const SCHOOLS: (Omit<SummarySchool, 'countyId'> & { students: number; staff: number })[] = [
  {
    id: 1,
    code: '2151992101',
    name: '青石县实验小学',
    type: 'primary',
    location: 'urban',
    hasCanteen: true,
    buildingAreaM2: 9000,
    siteAreaM2: 20000,
    students: 1800,
    staff: 95,
  },
  {
    id: 2,
    code: '2151992102',
    name: '青石县河口小学',
    type: 'primary',
    location: 'rural',
    hasCanteen: false,
    buildingAreaM2: 2100,
    siteAreaM2: 6000,
    students: 240,
    staff: 18,
  },
  {
    id: 3,
    code: '3151992103',
    name: '青石县第一中学',
    type: 'junior',
    location: 'urban',
    hasCanteen: true,
    buildingAreaM2: 15000,
    siteAreaM2: 42000,
    students: 2100,
    staff: 160,
  },
  {
    id: 4,
    code: '3151992104',
    name: '青石县柳溪九年制学校',
    type: 'nine_year',
    location: 'town',
    hasCanteen: true,
    buildingAreaM2: 6000,
    siteAreaM2: 18000,
    students: 820,
    staff: 70,
  },
  {
    id: 5,
    code: '3651992105',
    name: '青石县职业技术学校',
    type: 'vocational',
    location: 'urban',
    hasCanteen: true,
    buildingAreaM2: 12000,
    siteAreaM2: 36000,
    students: 1500,
    staff: 120,
  },
  {
    id: 6,
    code: '1151992106',
    name: '青石县机关幼儿园',
    type: 'kindergarten',
    location: 'urban',
    hasCanteen: true,
    buildingAreaM2: 3000,
    siteAreaM2: 6500,
    students: 360,
    staff: 45,
  },
  {
    id: 7,
    code: '3451992107',
    name: '青石县第二高级中学',
    type: 'senior',
    location: 'town',
    hasCanteen: true,
    buildingAreaM2: 18000,
    siteAreaM2: 50000,
    students: 2600,
    staff: 210,
  },
];

export const COUNTY = { id: 100, name: '青石县' };

export const fixtureSchools = (countyId = COUNTY.id, idOffset = 0, prefix = ''): SummarySchool[] =>
  SCHOOLS.map(({ students: _s, staff: _t, ...s }) => ({ ...s, id: s.id + idOffset, name: prefix ? s.name.replace('青石县', prefix) : s.name, countyId }));

/** One school's values for one quarter. `year` shifts use a little so last year differs. */
function values(s: (typeof SCHOOLS)[number], year: number, quarter: number, rnd: () => number): ReportValues {
  const v: ReportValues = {};
  const students = s.students + (year - 2025) * 20;
  v.students_enrolled = students;
  v.staff_count = s.staff;
  v.liability_insured = s.id === 4 && year === 2026 ? students - 12 : students;
  v.accident_insured = Math.round(students * (0.9 + rnd() * 0.08));
  v.accident_premium_collected_by_school = s.id === 6 && year === 2026;
  v.medical_insured = Math.round(students * (0.85 + rnd() * 0.1));
  v.injury_incidents = s.id === 3 && quarter === 2 ? 2 : 0;
  v.injury_claims_settled = s.id === 3 && quarter === 2 ? 1 : 0;
  v.injury_claims_paid_yuan = s.id === 3 && quarter === 2 ? 18_600 : 0;
  if (s.type === 'vocational') {
    v.interns = 300;
    v.internship_insured = year === 2026 ? 240 : 300;
  }
  const seasonal = [1.1, 0.9, 1.0, 1.2][quarter - 1]!;
  // School 7's energy use jumps in 2026 (a problem the summary must name); the others save a little.
  const trend = year === 2025 ? 1 : s.id === 7 ? 1.35 : 0.9;
  v.electricity_kwh = Math.round(s.buildingAreaM2 * 6 * seasonal * trend);
  v.water_m3 = Math.round(students * 2.2 * seasonal * (year === 2025 ? 1 : 0.95));
  v.gas_m3 = s.hasCanteen ? Math.round(students * 1.5 * seasonal * trend) : 0;
  v.coal_kg = s.id === 2 ? Math.round(3000 * seasonal) : 0;
  v.energy_cost_yuan = Math.round((v.electricity_kwh as number) * 0.62 + (v.gas_m3 as number) * 3.1);
  v.water_cost_yuan = Math.round((v.water_m3 as number) * 3.4);
  v.water_saving_level = s.id === 1 ? 'city' : s.id === 3 ? 'county' : 'none';
  const certified = s.id === 1 || (s.id === 3 && year === 2026);
  v.green_school_status = certified ? 'certified' : s.id === 4 || s.id === 7 ? 'in_progress' : s.id === 5 ? 'planned' : 'none';
  if (certified) v.green_school_level = s.id === 1 ? 'province' : 'city';
  v.garden_unit_level = s.id === 1 ? 'city' : 'none';
  v.greening_investment_yuan = [1, 3, 4, 7].includes(s.id) ? Math.round(60_000 + rnd() * 90_000) : 0;
  v.plants_planted = [1, 3, 4, 7].includes(s.id) ? Math.round(2000 + rnd() * 6000) : 0;
  v.green_area_added_m2 = [3, 4, 7].includes(s.id) ? Math.round(1500 + rnd() * 3000) : 0;
  v.green_area_total_m2 = Math.round(s.siteAreaM2 * 0.32) + (year - 2025) * 800 + quarter * 100;
  if (s.hasCanteen) {
    v.meal_days = 60;
    v.canteen_operation = 'self_run';
    v.food_liability_insured = s.id !== 4;
    v.food_safety_grade = s.id === 6 && year === 2026 ? 'C' : s.id === 4 ? 'B' : 'A';
    v.food_safety_grade_date = `${year}-${String(quarter * 3 - 1).padStart(2, '0')}-15`;
    v.assured_canteen_status = [1, 3, 7].includes(s.id) ? 'accepted' : s.id === 5 ? 'applied' : 'none';
    v.open_kitchen = s.id !== 6;
    v.canteen_staff = 20;
    v.canteen_staff_certified = s.id === 4 ? 18 : 20;
    v.accompany_meal_days = 55;
    v.sample_retention_compliant = true;
    v.inspections = 3;
    v.issues_found = 2;
    v.issues_rectified = s.id === 5 && quarter === 4 ? 1 : 2;
    v.food_incidents = 0;
  }
  return v;
}

/**
 * Two years of reports; `plans` picks which of the seven fixture schools each given school files as (by default
 * the first school the first, and so on). In 2026: school 2's Q4 report is still submitted (not approved), school 6's Q3 was
 * returned, school 5 reported Q2 late. Everything in 2025 is approved.
 */
export function fixtureReports(
  schools: readonly Pick<SummarySchool, 'id'>[] = fixtureSchools(),
  plans: readonly number[] = schools.map((_, i) => i),
): StoredReport[] {
  const rnd = random(42);
  const reports: StoredReport[] = [];
  for (const year of [2025, 2026]) {
    for (let q = 1; q <= 4; q++) {
      schools.forEach((s, i) => {
        const plan = SCHOOLS[plans[i]!]!;
        const p: Period = period(year, q);
        let status: Submission['status'] = 'approved';
        if (year === 2026 && plan.id === 2 && q === 4) status = 'submitted';
        if (year === 2026 && plan.id === 6 && q === 3) status = 'returned';
        reports.push({ schoolId: s.id, period: p, values: values(plan, year, q, rnd), status, late: year === 2026 && plan.id === 5 && q === 2 });
      });
    }
  }
  return reports;
}

let targetId = 1;
export const target = (t: Partial<Target> & Pick<Target, 'indicator' | 'kind' | 'comparator' | 'value'>): Target => ({
  id: targetId++,
  countyId: COUNTY.id,
  year: 2026,
  measure: 'value',
  statusValue: null,
  schoolTypes: null,
  schoolId: null,
  ...t,
});

export const TARGETS_2026: Target[] = [
  target({ indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 100 }),
  target({ indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 90 }),
  target({ indicator: 'energy_kgce', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -5 }),
  target({ indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', comparator: 'gte', value: 80 }),
  target({ indicator: 'plants_planted', kind: 'county_total', comparator: 'gte', value: 50_000 }),
];

export const TARGETS_2027: Target[] = [
  target({ indicator: 'energy_kgce', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -15, year: 2027 }),
  target({ indicator: 'green_area_added_m2', kind: 'county_total', comparator: 'gte', value: 20_000, year: 2027 }),
  target({ indicator: 'internship_rate', kind: 'each_school', comparator: 'gte', value: 100, schoolTypes: ['vocational'], year: 2027 }),
];

/** The summary input for the fixture county, as the data layer would load it. */
export function countyInput(upToQuarter: 1 | 2 | 3 | 4 = 4, stored = fixtureReports()): SummaryInput {
  const schools = fixtureSchools();
  return {
    level: 'county',
    unit: COUNTY,
    year: 2026,
    upToQuarter,
    schools,
    reports: stored.filter((r) => r.status === 'approved').map(({ schoolId, period: p, values: v }) => ({ schoolId, period: p, values: v })),
    submissions: stored.filter((r) => r.period.startsWith('2026')).map(({ schoolId, period: p, status, late }) => ({ schoolId, period: p, status, late })),
    targets: TARGETS_2026,
    nextTargets: TARGETS_2027,
  };
}

/**
 * What the summary must say, computed plainly from the stored report values: loops and sums over the raw quarterly
 * numbers (approved reports only), without the aggregation code the summary uses. Year 2026 against 2025.
 */
type Raw = Record<string, number | string | boolean>;

export function plainFigures(stored: readonly StoredReport[], allSchools: readonly SummarySchool[], upTo: number, schoolIds?: readonly number[]) {
  const schools = allSchools.filter((s) => !schoolIds || schoolIds.includes(s.id));
  const ids = new Set(schools.map((s) => s.id));
  const approved = stored.filter((r) => r.status === 'approved' && ids.has(r.schoolId));
  const quarterOf = (p: string) => Number(p.slice(-1));
  const thisYear = approved.filter((r) => r.period.startsWith('2026') && quarterOf(r.period) <= upTo);
  const lastYear = approved.filter((r) => r.period.startsWith('2025') && quarterOf(r.period) <= upTo);
  const own = (reports: typeof approved, id: number) => reports.filter((r) => r.schoolId === id).sort((a, b) => (a.period < b.period ? -1 : 1));
  const values = (r: StoredReport) => r.values as Raw;

  /** Σ over every report of the year so far. */
  const flow = (code: string, reports = thisYear) => reports.reduce((t, r) => t + (typeof values(r)[code] === 'number' ? (values(r)[code] as number) : 0), 0);
  /** The school's value in its latest quarter that has one. */
  const latest = (id: number, code: string, reports = thisYear) => {
    const list = own(reports, id).filter((r) => values(r)[code] !== undefined);
    return list.length ? values(list[list.length - 1]!)[code]! : null;
  };
  const stock = (code: string) => schools.reduce((t, s) => t + (typeof latest(s.id, code) === 'number' ? (latest(s.id, code) as number) : 0), 0);
  /** Σ numerator ÷ Σ denominator over the schools that have both (latest quarter). */
  const rate = (num: string, den: string) => {
    let a = 0;
    let b = 0;
    for (const s of schools) {
      const x = latest(s.id, num);
      const y = latest(s.id, den);
      if (typeof x === 'number' && typeof y === 'number') {
        a += x;
        b += y;
      }
    }
    return (a / b) * 100;
  };
  const kgce = (r: StoredReport) => {
    const v = values(r);
    return (v.electricity_kwh as number) * 0.1229 + (v.gas_m3 as number) * 1.2143 + (v.coal_kg as number) * 0.7143;
  };
  const countStatus = (code: string, wanted: (string | boolean)[]) => schools.filter((s) => wanted.includes(latest(s.id, code) as string | boolean)).length;
  /** Like-for-like: a school's quarter counts when the same school has the same quarter approved in both years. */
  const pairs = thisYear.flatMap((r) => {
    const before = lastYear.find((l) => l.schoolId === r.schoolId && l.period === `2025Q${quarterOf(r.period)}`);
    return before ? [{ now: r, before }] : [];
  });
  const change = (of: (r: StoredReport) => number) => {
    const now = pairs.reduce((t, p) => t + of(p.now), 0);
    const before = pairs.reduce((t, p) => t + of(p.before), 0);
    return ((now - before) / before) * 100;
  };
  const energy = thisYear.reduce((t, r) => t + kgce(r), 0);
  const persons = schools.reduce((t, s) => t + (latest(s.id, 'students_enrolled') as number) + (latest(s.id, 'staff_count') as number), 0);
  const area = schools.filter((s) => own(thisYear, s.id).length).reduce((t, s) => t + s.buildingAreaM2, 0);
  const canteens = schools.filter((s) => s.hasCanteen);
  const canteenRate = (num: string, den: string) => {
    let a = 0;
    let b = 0;
    for (const s of canteens) {
      a += latest(s.id, num) as number;
      b += latest(s.id, den) as number;
    }
    return (a / b) * 100;
  };

  return {
    liability_insured: stock('liability_insured'),
    liability_rate: rate('liability_insured', 'students_enrolled'),
    liability_schools: schools.filter((s) => latest(s.id, 'liability_insured') !== null).length,
    accident_insured: stock('accident_insured'),
    accident_rate: rate('accident_insured', 'students_enrolled'),
    medical_insured: stock('medical_insured'),
    medical_rate: rate('medical_insured', 'students_enrolled'),
    food_liability_insured: countStatus('food_liability_insured', [true]),
    interns: stock('interns'),
    internship_insured: stock('internship_insured'),
    internship_rate: rate('internship_insured', 'interns'),
    injury_incidents: flow('injury_incidents'),
    injury_claims_paid_yuan: flow('injury_claims_paid_yuan'),
    premium_collected: countStatus('accident_premium_collected_by_school', [true]),
    electricity_kwh: flow('electricity_kwh'),
    water_m3: flow('water_m3'),
    gas_m3: flow('gas_m3'),
    coal_kg: flow('coal_kg'),
    energy_kgce: energy,
    energy_cost_yuan: flow('energy_cost_yuan'),
    water_cost_yuan: flow('water_cost_yuan'),
    electricity_change: change((r) => values(r).electricity_kwh as number),
    water_change: change((r) => values(r).water_m3 as number),
    energy_change: change(kgce),
    energy_per_person: energy / persons,
    energy_per_m2: energy / area,
    water_per_person: flow('water_m3') / persons,
    water_saving_schools: countStatus('water_saving_level', ['county', 'city', 'province']),
    green_creating: countStatus('green_school_status', ['in_progress', 'applied']),
    green_planned: countStatus('green_school_status', ['planned']),
    green_certified: countStatus('green_school_status', ['certified']),
    garden_units: countStatus('garden_unit_level', ['county', 'city', 'province']),
    greening_investment: flow('greening_investment_yuan'),
    plants_planted: flow('plants_planted'),
    green_area_added: flow('green_area_added_m2'),
    grade_A: countStatus('food_safety_grade', ['A']),
    grade_B: countStatus('food_safety_grade', ['B']),
    grade_C: countStatus('food_safety_grade', ['C']),
    assured_accepted: countStatus('assured_canteen_status', ['accepted']),
    assured_applied: countStatus('assured_canteen_status', ['applied']),
    open_kitchen: countStatus('open_kitchen', [true]),
    inspections: flow('inspections'),
    issues_found: flow('issues_found'),
    issues_rectified: flow('issues_rectified'),
    rectification_rate: (flow('issues_rectified') / flow('issues_found')) * 100,
    health_cert_rate: canteenRate('canteen_staff_certified', 'canteen_staff'),
    accompany_meal_rate: (flow('accompany_meal_days') / flow('meal_days')) * 100,
    food_incidents: flow('food_incidents'),
    schools_total: schools.length,
    schools_complete: schools.filter((s) => own(thisYear, s.id).length === upTo).length,
  };
}
