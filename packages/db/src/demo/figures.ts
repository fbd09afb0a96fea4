import { inputIndicatorsFor, isFigure, periodEndDate, periodLabel, shiftPeriod, type Period, type ReportValues } from '@oversight/domain';
import { academicYear, DEMO_PERIODS, DEMO_QUARTERS } from './calendar.js';
import { uniform, type DemoProfile, type Level } from './profiles.js';
import type { Random } from './random.js';

/** One school's true figures for one quarter, and the explanations it writes for answers it knows the rules flag. */
export interface QuarterFigures {
  index: number;
  period: Period;
  values: ReportValues;
  explanations: Record<string, string>;
}

/** The demo quarter with this index: 0 is the first closed quarter, DEMO_QUARTERS the current one. */
export const demoPeriod = (index: number): Period => shiftPeriod(DEMO_PERIODS[0]!, index);

const quarterOf = (period: Period) => Number(period.slice(5)) as 1 | 2 | 3 | 4;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** School days per quarter (winter and summer holidays, National Day); the Spring Festival moves Q1 a little. */
const SCHOOL_DAYS = { 1: 47, 2: 60, 3: 26, 4: 59 } as const;
const ELECTRICITY_SEASON = { 1: 1.0, 2: 1.05, 3: 0.75, 4: 1.2 } as const;
const WATER_SEASON = { 1: 0.95, 2: 1.2, 3: 0.7, 4: 1.15 } as const;
const PLANTING_SEASON = { 1: 1.4, 2: 1.0, 3: 0.4, 4: 1.0 } as const;
/** Tariffs in 元: electricity per kWh, gas per m³, coal per kg, water (with sewage) per m³. */
const PRICE = { kwh: 0.64, gas: 3.3, coal: 1.25, water: 3.55 };

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k += 1;
  return k;
}

function level(at: Partial<Record<Level, number>>, index: number): Level | 'none' {
  for (const l of ['province', 'city', 'county'] as const) if (at[l] !== undefined && at[l]! <= index) return l;
  return 'none';
}

function greenStatus(certifiedAt: number | null, index: number) {
  if (certifiedAt === null) return 'none';
  if (index >= certifiedAt) return 'certified';
  if (index >= certifiedAt - 2) return 'applied';
  if (index >= certifiedAt - 6) return 'in_progress';
  if (index >= certifiedAt - 8) return 'planned';
  return 'none';
}

/** Twelve months before a date, as validation counts them. */
function yearBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 12);
  return d.toISOString().slice(0, 10);
}

/** Which quarters to simulate, as demo quarter indexes (0 = the first closed demo quarter; negative: earlier). */
export interface QuarterSpan {
  from: number;
  to: number;
}

/** The demo's quarters: the closed ones and the current one. */
export const DEMO_SPAN: QuarterSpan = { from: 0, to: DEMO_QUARTERS };

/**
 * A school's figures for every quarter of the span (by default the demo's closed quarters and the current one),
 * consistent with one another: enrolment by academic year, insured ≤ enrolled, seasonal energy and water falling
 * year on year, green area growing with planting, canteen grades renewed each year. The demo county and the
 * province benchmark (`pnpm bench`, longer spans for ten years) both draw their figures from here.
 */
export function simulateSchool(profile: DemoProfile, random: Random, span: QuarterSpan = DEMO_SPAN): QuarterFigures[] {
  const { school } = profile;
  // Academic years the span touches, with two before for stale canteen grades (2021–2026 for the demo span).
  const firstYear = Math.min(2021, Number(demoPeriod(span.from).slice(0, 4)) - 2);
  const lastYear = Math.max(2026, Number(demoPeriod(span.to).slice(0, 4)));
  const years = Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i);
  const enrolmentNoise = new Map(years.map((y) => [y, uniform(random, -0.012, 0.012)]));
  const grades = new Map(
    years.map((y) => {
      const draw = random.next();
      const grade =
        profile.canteenQuality === 'good' ? (draw < 0.95 ? 'A' : 'B') : profile.canteenQuality === 'fair' ? (draw < 0.7 ? 'B' : 'A') : y <= 2024 ? 'C' : 'B';
      return [y, grade] as const;
    }),
  );
  const students = (ay: number) => Math.round(school.students * profile.enrolmentTrend ** (ay - 2026) * (1 + enrolmentNoise.get(ay)!));
  const staffFor = (enrolled: number) => Math.max(profile.minStaff, Math.round(enrolled / profile.studentsPerStaff));
  const canteenStaffFor = (enrolled: number) =>
    profile.operation === 'catered' ? 1 : Math.max(2, Math.ceil(enrolled / (school.boarding ? 40 : school.type === 'kindergarten' ? 45 : 80)) + 1);
  const persons0 = students(academicYear(demoPeriod(0))) + staffFor(students(academicYear(demoPeriod(0))));
  let greenTotal = Math.round(school.siteAreaM2 * profile.greenShare);
  let pendingClaims = 0;

  const quarters: QuarterFigures[] = [];
  for (let index = span.from; index <= span.to; index++) {
    const period = demoPeriod(index);
    const q = quarterOf(period);
    const year = Number(period.slice(0, 4));
    const ay = academicYear(period);
    const v: ReportValues = {};
    const why: Record<string, string> = {};

    // ── basics ──
    const enrolled = Math.round(students(ay) * (q <= 2 ? 0.996 : 1));
    const staff = staffFor(enrolled);
    const persons = enrolled + staff;
    v.students_enrolled = enrolled;
    v.staff_count = staff;
    const baseDays = SCHOOL_DAYS[q] + (q === 1 ? (year % 3) - 1 : 0);
    const mealDays = Math.min(
      92,
      baseDays + (school.boarding ? Math.round(baseDays * 0.12) : 0) + (school.type === 'kindergarten' && school.ownership === 'private' && q === 3 ? 24 : 0),
    );
    const meals = school.hasCanteen ? enrolled * mealDays * (school.boarding ? 2.6 : school.type === 'kindergarten' ? 1.6 : 1) : 0;
    if (school.hasCanteen) v.meal_days = mealDays;

    // ── insurance ──
    v.liability_insured = Math.max(0, enrolled - (profile.liabilityLagsInAutumn && q === 3 ? random.int(1, 3) : 0));
    v.accident_insured = Math.round(enrolled * Math.min(0.995, profile.accidentRate + uniform(random, -0.01, 0.01)));
    v.accident_premium_collected_by_school = profile.anomalies.get(index) === 'premium_collected';
    if (v.accident_premium_collected_by_school) {
      why.accident_premium_collected_by_school = '经查，系个别班主任受家长委托代收学平险保费，学校已责令全部退还并在全校通报，严禁再次代收。';
    }
    v.medical_insured = Math.round(enrolled * Math.min(0.99, profile.medicalRate + uniform(random, -0.01, 0.01)));
    if (school.hasCanteen) {
      v.food_liability_insured = profile.foodInsuredFrom !== null && index >= profile.foodInsuredFrom;
      if (!v.food_liability_insured) {
        why.food_liability_insured =
          profile.operation === 'catered'
            ? '本校午餐由中心学校食堂统一配送，食品安全责任险由供餐单位投保。'
            : '已与保险公司对接投保事宜，食品安全责任险将于下季度起投保。';
      }
    }
    if (school.type === 'vocational') {
      const interns = Math.round(enrolled * (q <= 2 ? uniform(random, 0.22, 0.28) : uniform(random, 0.04, 0.08)));
      const rate = profile.internshipRates[Math.min(profile.internshipRates.length - 1, Math.max(0, ay - 2023))]!;
      v.interns = interns;
      v.internship_insured = Math.min(interns, Math.round(interns * rate * uniform(random, 0.95, 1.05)));
    }
    const incidents = poisson(random, enrolled * 0.0005 * (q === 3 ? 0.5 : 1));
    pendingClaims += incidents;
    let settled = 0;
    for (let i = 0; i < pendingClaims; i++) if (random.chance(0.6)) settled += 1;
    pendingClaims -= settled;
    let paid = 0;
    for (let i = 0; i < settled; i++) paid += Math.round(uniform(random, 60, 600)) * 10;
    v.injury_incidents = incidents;
    v.injury_claims_settled = settled;
    v.injury_claims_paid_yuan = paid;

    // ── energy and water ──
    const trend = profile.energySaving ** (index / 4);
    const cooking = profile.fuel === 'electric' ? meals * 0.2 : 0;
    const kwh = Math.round(
      ((school.buildingAreaM2 * profile.kwhPerM2Year * ELECTRICITY_SEASON[q] * trend * (0.6 + (0.4 * persons) / persons0)) / 4) * uniform(random, 0.96, 1.04) +
        cooking,
    );
    const burnsCoal = profile.fuel === 'coal' && (profile.gasFrom === null || index < profile.gasFrom);
    const burnsGas = profile.fuel === 'gas' || (profile.fuel === 'coal' && !burnsCoal);
    const gas = burnsGas ? Math.round(meals * 0.028 * trend * uniform(random, 0.95, 1.05)) : 0;
    const coal = burnsCoal ? Math.round(meals * 0.075 * uniform(random, 0.95, 1.05)) : 0;
    if (profile.gasFrom !== null && index >= profile.gasFrom && index < profile.gasFrom + 4) {
      why.coal_kg = `${demoPeriod(profile.gasFrom).slice(0, 4)}年初学校食堂完成“煤改气”改造，燃煤锅炉已拆除，改用天然气，燃煤用量为零。`;
    }
    const water = Math.round(((persons * profile.waterPerPersonYear * WATER_SEASON[q]) / 4) * profile.waterSaving ** (index / 4) * uniform(random, 0.96, 1.04));
    v.electricity_kwh = kwh;
    v.water_m3 = water;
    v.gas_m3 = gas;
    v.coal_kg = coal;
    v.energy_cost_yuan = round2(kwh * PRICE.kwh + gas * PRICE.gas + coal * PRICE.coal);
    v.water_cost_yuan = round2(water * PRICE.water);
    v.water_saving_level = level(profile.waterLevelAt, index);

    // ── green campus ──
    const status = greenStatus(profile.greenCertifiedAt, index);
    const creatingGarden = [profile.gardenCountyAt, profile.gardenCityAt].some((at) => at !== null && at >= index && at - index < 4);
    const site = school.siteAreaM2;
    const added =
      status === 'in_progress' || status === 'applied' || creatingGarden
        ? Math.round(site * uniform(random, 0.015, 0.03) * PLANTING_SEASON[q])
        : q === 1 && random.chance(0.3)
          ? Math.round(site * uniform(random, 0.001, 0.004))
          : 0;
    greenTotal += added;
    v.green_school_status = status;
    if (status === 'certified') v.green_school_level = profile.greenLevel;
    v.garden_unit_level =
      profile.gardenCityAt !== null && index >= profile.gardenCityAt
        ? 'city'
        : profile.gardenCountyAt !== null && index >= profile.gardenCountyAt
          ? 'county'
          : 'none';
    // Seed 003: 108万元, 18.77万株 and 80亩 in a year, about 20 元 and 3.5 plants per m²; paths and beds cost more.
    v.greening_investment_yuan = added ? Math.round((added * uniform(random, 25, 55)) / 100) * 100 : 0;
    v.plants_planted = Math.round(added * uniform(random, 3, 5));
    v.green_area_added_m2 = added;
    v.green_area_total_m2 = greenTotal;

    // ── canteen ──
    if (school.hasCanteen) {
      const end = periodEndDate(period);
      const gradedIn = years
        .filter(
          (y) =>
            y !== profile.skippedGradingYear && `${y}-${String(profile.gradingMonth).padStart(2, '0')}-${String(profile.gradingDay).padStart(2, '0')}` <= end,
        )
        .at(-1)!;
      const gradeDate = `${gradedIn}-${String(profile.gradingMonth).padStart(2, '0')}-${String(profile.gradingDay).padStart(2, '0')}`;
      const canteenStaff = canteenStaffFor(enrolled);
      const inspections = 1 + (q === 1 || q === 3 ? 1 : 0) + (random.chance(0.35) ? 1 : 0) + (profile.canteenQuality === 'poor' ? 1 : 0);
      let found = 0;
      for (let i = 0; i < inspections; i++) {
        found += profile.canteenQuality === 'good' ? (random.chance(0.2) ? 1 : 0) : profile.canteenQuality === 'fair' ? random.int(0, 2) : random.int(1, 3);
      }
      v.canteen_operation = profile.operation;
      v.food_safety_grade = grades.get(gradedIn)!;
      v.food_safety_grade_date = gradeDate;
      if (gradeDate < yearBefore(end)) {
        why.food_safety_grade_date = `${gradedIn + 1}年度食品安全量化等级评定因县市场监管部门安排延后尚未开展，目前沿用${gradedIn}年评定等级，已申请尽快复评。`;
      }
      v.assured_canteen_status =
        profile.assuredAcceptedAt !== null && index >= profile.assuredAcceptedAt
          ? 'accepted'
          : profile.assuredAppliedAt !== null && index >= profile.assuredAppliedAt
            ? 'applied'
            : 'none';
      v.open_kitchen = index >= profile.openKitchenFrom;
      if (!v.open_kitchen) {
        why.open_kitchen = `明厨亮灶改造已列入县学校食堂提升工程，计划于${periodLabel(demoPeriod(profile.openKitchenFrom))}完成施工。`;
      }
      v.canteen_staff = canteenStaff;
      v.canteen_staff_certified = canteenStaff - (canteenStaff >= 3 && random.chance(0.05) ? 1 : 0);
      v.accompany_meal_days = mealDays - (random.chance(0.12) ? random.int(1, 4) : 0);
      v.sample_retention_compliant = profile.anomalies.get(index) !== 'samples_missed';
      if (!v.sample_retention_compliant) {
        why.sample_retention_compliant = '县市场监管局检查发现一餐次个别菜品留样不足125克，已约谈食堂负责人并重新培训留样制度，整改到位。';
      }
      v.inspections = inspections;
      v.issues_found = found;
      v.issues_rectified = found - (found > 0 && random.chance(0.1) ? 1 : 0);
      v.food_incidents = 0;
    }
    checkComplete(profile, period, v);
    quarters.push({ index, period, values: v, explanations: why });
  }
  return quarters;
}

/** Every indicator the catalogue asks of the school is filled, and nothing else: a new indicator needs demo figures. */
function checkComplete(profile: DemoProfile, period: Period, values: ReportValues) {
  const wanted = inputIndicatorsFor(profile.school);
  for (const ind of wanted) {
    // Practice texts (本季度主要做法) are optional notes, not figures: a quarter without one is complete.
    if (ind.kind === 'note') continue;
    const gate = ind.requiredWhen;
    // Notes (本季度主要做法) are optional: schools write them now and then (see ./practices.ts).
    const needed = isFigure(ind) && (!gate || gate.in.includes(values[gate.indicator] as string | boolean));
    if (needed && values[ind.code] === undefined) throw new Error(`演示数据缺少指标“${ind.name.zh}”（${ind.code}）：${profile.school.name} ${period}`);
  }
  const known = new Set(wanted.map((i) => i.code));
  for (const code of Object.keys(values)) if (!known.has(code)) throw new Error(`演示数据不应填报指标 ${code}：${profile.school.name} ${period}`);
}
