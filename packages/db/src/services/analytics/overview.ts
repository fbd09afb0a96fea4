import {
  change,
  DOMAIN_LABELS,
  DOMAINS,
  evaluateTarget,
  FIGURE_INDICATORS,
  figureOfParts,
  figureStatuses,
  figureValue,
  quartersEndingAt,
  sumCompleteness,
  type Change,
  type Completeness,
  type CountyParts,
  type FigurePart,
  type GroupFigure,
  type Indicator,
  type IndicatorDomain,
  type IndicatorValue,
  type Label,
  type Period,
  type Scope,
  type Target,
} from '@oversight/domain';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { completenessCounts } from '../../queries/analytics.js';
import { targetsOf } from '../../queries/targets.js';
import type { Database } from '../../schema.js';
import type { CountyFrame } from './county-data.js';
import { countyPartsFor, countyPartsMeasured } from './kept-figures.js';
import { brief, type TargetBrief } from './school-figures.js';
import { countiesFor } from './scope.js';
import { resolveWindow, TREND_QUARTERS, type WindowChoice } from './window.js';

export interface TargetCheck extends TargetBrief {
  /** The county figure measured (each-school targets: null). */
  actual: IndicatorValue;
  met: boolean | null;
  /** Each-school targets: how many applicable schools miss it. */
  schoolsNotMet: number | null;
  schools: number;
  reported: number;
}

/** A quarter of a figure's trend as the chart draws it: a number figure's value, a status figure's schools per value. */
export type OverviewTrendPoint = { period: Period; value: number | null } | { period: Period; counts: Record<string, number> };

export interface OverviewFigure {
  indicator: string;
  figure: GroupFigure;
  /** Like for like against the same window last year (numbers only). */
  change: Change | null;
  targets: TargetCheck[];
  trend: OverviewTrendPoint[];
}

export interface Overview {
  countyIds: number[];
  year: number;
  quarter: number | null;
  window: Period[];
  upToQuarter: number | null;
  includeSubmitted: boolean;
  /** Active schools covered. */
  schools: number;
  completeness: Completeness[];
  domains: { domain: IndicatorDomain; label: Label; figures: OverviewFigure[] }[];
  targets: { total: number; met: number; notMet: number; pending: number };
}

type TargetSummary = Overview['targets'];

/** A county's targets measured on its frame: the checks by indicator, and the tally of met, missed and pending. */
interface MeasuredTargets {
  summary: TargetSummary;
  byIndicator: Record<string, TargetCheck[]>;
}

const SHOWN = new Set(FIGURE_INDICATORS.map((i) => i.code));

function measureTargets(targets: readonly Target[], { present, frame }: CountyFrame): MeasuredTargets {
  const summary = { total: 0, met: 0, notMet: 0, pending: 0 };
  const byIndicator: Record<string, TargetCheck[]> = {};
  for (const t of targets) {
    if (!SHOWN.has(t.indicator)) continue;
    const r = evaluateTarget(t, targets, present, frame);
    summary.total += 1;
    if (r.met === true) summary.met += 1;
    else if (r.met === false) summary.notMet += 1;
    else summary.pending += 1;
    const name = t.schoolId !== null ? present.find((s) => s.id === t.schoolId)?.name : undefined;
    const checks = byIndicator[t.indicator] ?? [];
    byIndicator[t.indicator] = checks;
    checks.push({
      ...brief(t, name),
      actual: r.actual,
      met: r.met,
      schoolsNotMet: r.checks ? r.checks.filter((c) => c.met === false).length : null,
      schools: r.schools,
      reported: r.reported,
    });
  }
  return { summary, byIndicator };
}

/** What the chart draws of a quarter's figure. */
const trendPoint = (period: Period, figure: GroupFigure): OverviewTrendPoint =>
  figure.type === 'number' ? { period, value: figure.value } : { period, counts: figure.counts };

/**
 * The bureau's dashboard: for each domain, every indicator's figure for the window with its change on last
 * year, its targets (met or not) and its last 12 quarters; and how complete the reports are. Targets are a
 * county's own, so they are measured when the overview covers one county.
 */
export async function overview(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & { countyId?: number | undefined; unitId?: number | undefined },
): Promise<Overview> {
  const countyIds = await countiesFor(db, scope, input);
  const w = await resolveWindow(db, countyIds, input);
  const trendPeriods = quartersEndingAt(w.end, TREND_QUARTERS);
  const quarters = w.window.length ? w.window : [w.end];
  const statuses = figureStatuses(input.includeSubmitted);
  // Every county's figures are its kept parts (recomputed when its data moved), added up for a city or province.
  // One county's targets are measured too, and kept with its parts under the targets' hash: while neither its data
  // nor its targets change, the overview reads none of its reports.
  const one = countyIds.length === 1 ? countyIds[0]! : null;
  const [targets, counts] = await Promise.all([
    one !== null ? targetsOf(db, countyIds, input.year) : Promise.resolve([]),
    completenessCounts(db, countyIds, quarters).then((rows) => sumCompleteness(rows, quarters)),
  ]);
  let parts: CountyParts[];
  let measured: MeasuredTargets = { summary: { total: 0, met: 0, notMet: 0, pending: 0 }, byIndicator: {} };
  if (one !== null && targets.length) {
    const hash = createHash('sha256').update(JSON.stringify(targets)).digest('base64url').slice(0, 22);
    const kept = await countyPartsMeasured(db, one, w, trendPeriods, statuses, `targets:${hash}`, (frame) => measureTargets(targets, frame));
    parts = [kept.parts];
    measured = kept.measured;
  } else parts = [...(await countyPartsFor(db, countyIds, w, trendPeriods, statuses)).values()];
  const { summary } = measured;

  const figureOf = (ind: Indicator): OverviewFigure => {
    const sum = (pick: (p: CountyParts) => FigurePart | undefined) =>
      figureOfParts(
        ind,
        parts.flatMap((p) => pick(p) ?? []),
      );
    const figure = sum((p) => p.window[ind.code]);
    return {
      indicator: ind.code,
      figure,
      change: figure.type === 'number' ? change(figureValue(sum((p) => p.current[ind.code])), figureValue(sum((p) => p.previous[ind.code]))) : null,
      targets: measured.byIndicator[ind.code] ?? [],
      trend: trendPeriods.map((period) =>
        trendPoint(
          period,
          sum((p) => p.trend[period]?.[ind.code]),
        ),
      ),
    };
  };

  return {
    countyIds,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    upToQuarter: w.upToQuarter,
    includeSubmitted: Boolean(input.includeSubmitted),
    schools: counts[0]?.schools ?? 0,
    completeness: counts,
    domains: DOMAINS.map((domain) => ({ domain, label: DOMAIN_LABELS[domain], figures: FIGURE_INDICATORS.filter((i) => i.domain === domain).map(figureOf) })),
    targets: summary,
  };
}
