/**
 * Standard-coal conversion coefficients (kgce per unit) on the calorific-equivalent basis (当量值), GB/T 2589.
 * Versioned: a figure is converted with the version in force at the period's end. Never mix with the
 * fossil-equivalent basis (等价值, 0.404 kgce/kWh for electricity).
 */
export interface CoalCoefficients {
  version: string;
  validFrom: string;
  electricityPerKwh: number;
  naturalGasPerM3: number;
  rawCoalPerKg: number;
  lpgPerKg: number;
  dieselPerKg: number;
}

export const COAL_COEFFICIENTS: readonly CoalCoefficients[] = [
  {
    version: 'GB/T 2589-2020 当量值',
    validFrom: '2000-01-01',
    electricityPerKwh: 0.1229,
    naturalGasPerM3: 1.2143,
    rawCoalPerKg: 0.7143,
    lpgPerKg: 1.7143,
    dieselPerKg: 1.4571,
  },
];

export function coalCoefficientsAt(date: string): CoalCoefficients {
  const applicable = COAL_COEFFICIENTS.filter((c) => c.validFrom <= date);
  const latest = applicable[applicable.length - 1];
  if (!latest) throw new RangeError(`没有适用于${date}的折标系数。`);
  return latest;
}

/** Year-on-year change in percent ((current − previous) ÷ previous × 100); null when there is no base. */
export function changePercent(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return ((current - previous) / previous) * 100;
}
