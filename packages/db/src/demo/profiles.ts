import type { DemoSchoolPlan } from './places.js';
import type { Random } from './random.js';

/** A demo school as registered: its plan plus what the registration gave it. */
export interface DemoSchool extends DemoSchoolPlan {
  id: number;
  code: string;
  countyId: number;
  buildingAreaM2: number;
  siteAreaM2: number;
}

export type Level = 'county' | 'city' | 'province';

/**
 * What stays true of a school over the demo's three years and drives its quarterly figures. Quarter indexes count
 * from the first demo quarter (0 = 2023Q4); an index below 0 means "before the demo starts", null means "never".
 */
export interface DemoProfile {
  school: DemoSchool;
  /** Enrolment changes by this factor a year (births fall, villages empty, the county town grows). */
  enrolmentTrend: number;
  studentsPerStaff: number;
  minStaff: number;
  kwhPerM2Year: number;
  /** Energy and water use fall by these factors a year (seed 003: −12%). */
  energySaving: number;
  waterPerPersonYear: number;
  waterSaving: number;
  fuel: 'gas' | 'coal' | 'electric';
  /** From this quarter the canteen cooks with gas instead of coal (煤改气). */
  gasFrom: number | null;
  accidentRate: number;
  medicalRate: number;
  /** New pupils of the autumn term are sometimes covered a few weeks late. */
  liabilityLagsInAutumn: boolean;
  internshipRates: readonly number[];
  operation: 'self_run' | 'contracted' | 'catered';
  canteenQuality: 'good' | 'fair' | 'poor';
  gradingMonth: number;
  gradingDay: number;
  /** A year the market regulator did not grade the canteen: the old grade goes stale. */
  skippedGradingYear: number | null;
  foodInsuredFrom: number | null;
  openKitchenFrom: number;
  assuredAppliedAt: number | null;
  assuredAcceptedAt: number | null;
  greenCertifiedAt: number | null;
  greenLevel: Level;
  gardenCountyAt: number | null;
  gardenCityAt: number | null;
  waterLevelAt: Partial<Record<Level, number>>;
  greenShare: number;
  /** One-off answers the rules do not expect, each explained by the school. */
  anomalies: Map<number, 'premium_collected' | 'samples_missed'>;
}

export const uniform = (random: Random, min: number, max: number) => min + random.next() * (max - min);

/** Takes `n` items from `pool` (deterministic for the generator's state), removing them from the pool. */
function take<T>(random: Random, pool: T[], n: number): T[] {
  const taken: T[] = [];
  for (let i = 0; i < n && pool.length; i++) taken.push(pool.splice(Math.floor(random.next() * pool.length), 1)[0]!);
  return taken;
}

const TRENDS: Record<DemoSchool['type'], [number, number]> = {
  kindergarten: [0.92, 0.96],
  primary: [0.98, 1.02],
  junior: [0.99, 1.03],
  nine_year: [0.95, 0.98],
  complete_secondary: [1.0, 1.02],
  senior: [1.0, 1.03],
  twelve_year: [1.0, 1.02],
  vocational: [1.01, 1.05],
  special: [1.0, 1.04],
};

const STUDENTS_PER_STAFF: Record<DemoSchool['type'], [number, number]> = {
  kindergarten: [7, 9],
  primary: [16, 19],
  junior: [11.5, 13],
  nine_year: [12, 14],
  complete_secondary: [12, 13],
  senior: [12, 13],
  twelve_year: [12, 14],
  vocational: [14, 17],
  special: [3, 4],
};

const KWH_PER_M2: Record<DemoSchool['type'], number> = {
  kindergarten: 28,
  primary: 22,
  junior: 24,
  nine_year: 24,
  complete_secondary: 30,
  senior: 30,
  twelve_year: 30,
  vocational: 38,
  special: 32,
};

const isVillage = (s: DemoSchool) => s.name.endsWith('村小学');

function baseProfile(school: DemoSchool, random: Random): DemoProfile {
  const village = isVillage(school);
  let [lo, hi] = TRENDS[school.type];
  if (school.type === 'primary') [lo, hi] = village ? [0.9, 0.95] : school.location === 'urban' ? [1.0, 1.03] : [0.96, 0.99];
  if (school.type === 'kindergarten' && school.ownership === 'private') [lo, hi] = [0.88, 0.94];
  const [staffLo, staffHi] = village ? [9, 13] : STUDENTS_PER_STAFF[school.type];
  return {
    school,
    enrolmentTrend: uniform(random, lo, hi),
    studentsPerStaff: uniform(random, staffLo, staffHi),
    minStaff: village ? 5 : 8,
    kwhPerM2Year: (KWH_PER_M2[school.type] + (school.boarding ? 8 : 0)) * (school.location === 'rural' ? 0.85 : 1) * uniform(random, 0.88, 1.12),
    energySaving: uniform(random, 0.88, 0.95),
    waterPerPersonYear: school.boarding ? uniform(random, 26, 34) : school.type === 'kindergarten' ? uniform(random, 11, 14) : uniform(random, 13, 17),
    waterSaving: uniform(random, 0.88, 0.96),
    fuel: !school.hasCanteen ? 'electric' : village ? 'electric' : school.type === 'nine_year' ? 'coal' : 'gas',
    gasFrom: null,
    accidentRate: uniform(random, 0.92, 0.99),
    medicalRate: uniform(random, 0.84, 0.96),
    liabilityLagsInAutumn: random.chance(0.12),
    internshipRates: school.ownership === 'public' ? [0.3, 0.42, 0.55, 0.68] : [0.12, 0.2, 0.29, 0.38],
    operation: school.ownership === 'private' ? 'contracted' : 'self_run',
    canteenQuality: 'good',
    gradingMonth: random.int(3, 11),
    gradingDay: random.int(3, 26),
    skippedGradingYear: null,
    foodInsuredFrom: -8,
    openKitchenFrom: -8,
    assuredAppliedAt: null,
    assuredAcceptedAt: null,
    greenCertifiedAt: null,
    greenLevel: 'city',
    gardenCountyAt: null,
    gardenCityAt: null,
    waterLevelAt: {},
    greenShare:
      school.location === 'urban' ? uniform(random, 0.24, 0.33) : school.location === 'town' ? uniform(random, 0.28, 0.37) : uniform(random, 0.3, 0.4),
    anomalies: new Map(),
  };
}

/**
 * The county's schools as the demo tells their story: who got certified as a green school and when, which canteens
 * were accepted as 放心食堂, which kitchens were opened up, who switched from coal to gas, and the few answers
 * the rules do not expect. Everything comes from `random`, so the story is the same on every run.
 */
export function demoProfiles(schools: readonly DemoSchool[], random: Random): DemoProfile[] {
  const profiles = schools.map((s) => baseProfile(s, random));
  const canteens = profiles.filter((p) => p.school.hasCanteen);
  const byTier = (list: DemoProfile[], tier: (p: DemoProfile) => number) => [...list].sort((a, b) => tier(a) - tier(b));
  const tier = (p: DemoProfile) => (p.school.location === 'urban' ? 0 : isVillage(p.school) ? 2 : 1);

  // Green schools (绿色学校): 4 certified before the demo starts, 7 during it (11 by 2026Q3), 14 more on the way.
  const urban = profiles.filter((p) => tier(p) === 0);
  const central = profiles.filter((p) => tier(p) === 1);
  const villages = profiles.filter((p) => tier(p) === 2);
  const certifiedBefore = take(random, urban, 4);
  certifiedBefore.forEach((p, i) => {
    Object.assign(p, { greenCertifiedAt: -4 - 2 * i, greenLevel: (['province', 'city', 'city', 'county'] as const)[i] });
  });
  const certifiedDuring = [...take(random, urban, 3), ...take(random, central, 4)];
  certifiedDuring.forEach((p, i) => {
    Object.assign(p, {
      greenCertifiedAt: [2, 4, 6, 6, 8, 10, 10][i],
      greenLevel: (['city', 'county', 'city', 'city', 'province', 'city', 'city'] as const)[i],
    });
  });
  const onTheWay = [...take(random, urban, 3), ...take(random, central, 9), ...take(random, villages, 2)];
  onTheWay.forEach((p) => {
    Object.assign(p, { greenCertifiedAt: random.int(12, 19), greenLevel: random.chance(0.8) ? 'city' : 'county' });
  });

  // 园林式单位: 10 at city level already, 6 promoted from county to city in 2025, 7 new at county level in 2026.
  const gardenPool = byTier(profiles, tier);
  const gardenCandidates = gardenPool.slice(0, 40);
  take(random, gardenCandidates, 10).forEach((p) => {
    Object.assign(p, { gardenCityAt: -6 });
  });
  take(random, gardenCandidates, 6).forEach((p) => {
    Object.assign(p, { gardenCountyAt: -4, gardenCityAt: 5 });
  });
  take(random, gardenCandidates, 7).forEach((p) => {
    Object.assign(p, { gardenCountyAt: 9 });
  });

  // 节水型学校: the first middle school at province level; city and county titles awarded at year ends.
  const water = byTier(profiles, tier).slice(0, 45);
  const first = water.shift()!;
  first.waterLevelAt = { county: -12, city: -8, province: -2 };
  take(random, water, 3).forEach((p) => {
    p.waterLevelAt = { county: -8, city: -3 };
  });
  take(random, water, 6).forEach((p) => {
    p.waterLevelAt = { county: -3 };
  });
  take(random, water, 5).forEach((p) => {
    p.waterLevelAt = { county: 4 };
  });
  take(random, water, 3).forEach((p) => {
    p.waterLevelAt = { county: 4, city: 8 };
  });

  // Canteens: 放心食堂 accepted at year ends (10 before, 12 in 2024, 15 in 2025), 8 applied and waiting.
  const assured = [...canteens];
  take(random, assured, 10).forEach((p) => {
    Object.assign(p, { assuredAppliedAt: -5, assuredAcceptedAt: -2 });
  });
  take(random, assured, 12).forEach((p) => {
    Object.assign(p, { assuredAppliedAt: random.int(1, 2), assuredAcceptedAt: 4 });
  });
  take(random, assured, 15).forEach((p) => {
    Object.assign(p, { assuredAppliedAt: random.int(5, 6), assuredAcceptedAt: 8 });
  });
  take(random, assured, 8).forEach((p) => {
    Object.assign(p, { assuredAppliedAt: random.int(9, 10), assuredAcceptedAt: null });
  });

  // Village schools fed from the township kitchen (校外供餐): the caterer holds the food-safety insurance.
  const smallVillageCanteens = villages.filter((p) => p.school.hasCanteen).sort((a, b) => a.school.students - b.school.students);
  smallVillageCanteens.slice(0, 2).forEach((p) => {
    Object.assign(p, { operation: 'catered', foodInsuredFrom: null });
  });
  const selfRun = canteens.filter((p) => p.operation !== 'catered');
  take(random, [...selfRun], 6).forEach((p, i) => {
    p.foodInsuredFrom = [1, 2, 2, 3, 4, 5][i]!;
  });

  // 明厨亮灶: most kitchens were open before 2023; eight were converted during the demo, one village school last.
  const closedKitchens = take(random, [...selfRun], 9);
  closedKitchens.forEach((p, i) => {
    p.openKitchenFrom = [1, 2, 3, 3, 4, 5, 6, 8, 10][i]!;
  });

  // Canteen grades: mostly A; a few fair kitchens (B) and three poor ones (C, improving later).
  const graded = [...selfRun];
  take(
    random,
    graded.filter((p) => p.school.location !== 'urban'),
    3,
  ).forEach((p) => {
    p.canteenQuality = 'poor';
  });
  take(
    random,
    graded.filter((p) => p.canteenQuality === 'good'),
    14,
  ).forEach((p) => {
    p.canteenQuality = 'fair';
  });
  const skipped = take(
    random,
    graded.filter((p) => p.canteenQuality === 'good'),
    1,
  )[0]!;
  Object.assign(skipped, { skippedGradingYear: 2025, gradingMonth: 5 });

  // 煤改气: two of the three rural boarding schools that cooked with coal switched to gas at the start of 2025.
  take(
    random,
    profiles.filter((p) => p.fuel === 'coal'),
    2,
  ).forEach((p) => {
    p.gasFrom = 5;
  });

  // Answers the rules do not expect, each explained: premiums collected by a teacher, a missed food sample.
  take(random, [...profiles], 1).forEach((p) => {
    p.anomalies.set(random.int(2, 9), 'premium_collected');
  });
  take(random, [...selfRun], 2).forEach((p) => {
    p.anomalies.set(random.int(1, 10), 'samples_missed');
  });
  return profiles;
}
