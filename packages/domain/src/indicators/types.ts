import type { CoalCoefficients } from '../energy.js';
import type { Label } from '../labels.js';
import type { SchoolType } from '../schools.js';

export const DOMAINS = ['basics', 'insurance', 'energy', 'green', 'canteen'] as const;
export type IndicatorDomain = (typeof DOMAINS)[number];

export type ValueType = 'integer' | 'decimal' | 'boolean' | 'enum' | 'date' | 'text';

/**
 * How an indicator aggregates:
 * - flow: adds up over quarters and across schools (kWh used, trees planted);
 * - stock: the latest quarter of a window; adds up across schools (students, insured students);
 * - status: the latest value; counted per value across schools (grade A/B/C);
 * - derived: computed from other indicators, for a group always as a ratio of sums;
 * - note: a school's own words for the quarter (本季度主要做法): kept with the report, never a figure.
 */
export type IndicatorKind = 'flow' | 'stock' | 'status' | 'derived' | 'note';

export type UnitCode =
  | 'persons'
  | 'times'
  | 'cases'
  | 'days'
  | 'kwh'
  | 'm3'
  | 'kg'
  | 'yuan'
  | 'm2'
  | 'plants'
  | 'percent'
  | 'kgce'
  | 'kgce_per_person'
  | 'kgce_per_m2'
  | 'm3_per_person'
  | 'none';

/** What a school must be for an indicator to apply to it. */
export interface Applicability {
  types?: readonly SchoolType[];
  canteen?: boolean;
}

/** A school's fixed attributes that formulas may use. */
export interface SchoolAttributes {
  type: SchoolType;
  hasCanteen: boolean;
  buildingAreaM2: number;
  siteAreaM2: number;
}

export type Operand =
  | { indicator: string; coefficient?: number; coal?: keyof Omit<CoalCoefficients, 'version' | 'validFrom'> }
  | { attribute: 'buildingAreaM2' | 'siteAreaM2' };

/** (Σ numerator) ÷ (Σ denominator) × scale; without a denominator, just the weighted sum. */
export interface Formula {
  numerator: readonly Operand[];
  denominator?: readonly Operand[];
  scale?: number;
}

export interface Indicator {
  code: string;
  name: Label;
  domain: IndicatorDomain;
  unit: UnitCode;
  valueType: ValueType;
  kind: IndicatorKind;
  appliesTo?: Applicability;
  min?: number;
  max?: number;
  /** For texts: the most characters allowed. */
  maxLength?: number;
  options?: readonly { value: string; label: Label }[];
  formula?: Formula;
  /** Cross-checks: this value may not exceed another indicator's (error) or a school attribute's. */
  atMost?: readonly ({ indicator: string } | { attribute: 'siteAreaM2' })[];
  /** The value the rules expect; anything else is a warning that needs an explanation. */
  expected?: boolean | string;
  /** Warn when the value moves more than this many percent on the same quarter last year (stocks: or on the previous quarter). */
  jumpPercent?: number;
  /** Warn when a school's value is more than this factor above (or below 1/factor of) its peers' median. */
  peerFactor?: number;
  /** Only required (and only meaningful) when another indicator has one of these values. */
  requiredWhen?: { indicator: string; in: readonly (string | boolean)[] };
  /** For dates: warn when older than this many months at the period's end. */
  maxAgeMonths?: number;
  /** Which direction is better, for rankings and targets. */
  better?: 'higher' | 'lower';
  /** Reports quote 元 as 万元, m² as 亩, plants as 万株. */
  reportUnit?: 'wan_yuan' | 'mu' | 'wan_plants';
  help?: Label;
  /** The file that must back this figure (佐证材料) when its value meets `when`; see `evidenceFindings`. */
  evidence?: EvidenceRequirement;
}

/** When a figure needs a file behind it: a number above a bound, or one of these values (statuses, yes/no). */
export type EvidenceWhen = { above: number } | { in: readonly (string | boolean)[] };

/**
 * The evidence a catalogue entry asks for: `what` names the document; without one, a blocking requirement is an
 * error of the report (no submission), otherwise a warning the school explains.
 */
export interface EvidenceRequirement {
  when: EvidenceWhen;
  blocking: boolean;
  what: Label;
}
