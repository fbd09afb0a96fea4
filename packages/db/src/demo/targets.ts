import type { TargetInput } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Actor } from '../services/actor.js';
import { setTarget } from '../services/targets.js';

type DemoTarget = Omit<TargetInput, 'countyId' | 'year'>;

/**
 * The bureau's yearly targets, in the terms county summaries use (seed 003: 应保尽保, 学平险 above 95%,
 * 用水用电较上年降低, 规划建设11所学校, 新增绿地面积30亩). They tighten year by year; next year's are set too,
 * so the annual summary has a plan to write about.
 */
function targetsFor(year: number): DemoTarget[] {
  const step = year - 2024;
  return [
    { indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 100 },
    { indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 95 },
    { indicator: 'medical_rate', kind: 'county_total', comparator: 'gte', value: 88 + step },
    { indicator: 'internship_rate', kind: 'each_school', comparator: 'gte', value: 100 },
    { indicator: 'food_incidents', kind: 'each_school', comparator: 'eq', value: 0 },
    { indicator: 'health_cert_rate', kind: 'each_school', comparator: 'gte', value: 100 },
    { indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -(5 + 2 * step) },
    { indicator: 'water_m3_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -(5 + 2 * step) },
    { indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'certified', comparator: 'gte', value: 5 + 3 * step },
    { indicator: 'green_area_added_m2', kind: 'county_total', comparator: 'gte', value: 20_000 },
    { indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', comparator: 'gte', value: 80 + 2 * step },
  ];
}

/** Sets the demo county's targets for each year through the same service the targets page uses. */
export async function setDemoTargets(db: Kysely<Database>, bureau: Actor, countyId: number, years: readonly number[]): Promise<number> {
  let count = 0;
  for (const year of years) {
    for (const target of targetsFor(year)) {
      await setTarget(db, bureau, { ...target, countyId, year });
      count += 1;
    }
  }
  return count;
}
