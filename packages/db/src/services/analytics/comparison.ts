import {
  change,
  evaluateTarget,
  figureIndicator,
  figureOfParts,
  figureStatuses,
  figureValue,
  quartersEndingAt,
  rank,
  type Change,
  type FigurePart,
  type GroupFigure,
  type Period,
  type Scope,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { completenessCounts, countiesByIds } from '../../queries/analytics.js';
import { targetsOf } from '../../queries/targets.js';
import type { Database } from '../../schema.js';
import { targetFrames, type CountyFrame } from './county-data.js';
import { countyPartsFor } from './kept-figures.js';
import type { TargetCheck } from './overview.js';
import { brief } from './school-figures.js';
import { countiesFor } from './scope.js';
import { resolveWindow, TREND_QUARTERS, type WindowChoice } from './window.js';

// County against county (city and province officers).

export interface CountyRowFigure {
  countyId: number;
  code: string;
  name: string;
  figure: GroupFigure;
  change: Change | null;
  targets: TargetCheck[];
  rank: number | null;
  /** Reports behind the figure: approved (and submitted, if included) over active schools × quarters. */
  completeness: { schools: number; reported: number; expected: number };
}

/** Every county under a unit (by default all the caller sees) on one indicator, ranked, each against its own targets. */
export async function compareCounties(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & { unitId?: number | undefined; indicator: string },
): Promise<{ indicator: string; year: number; quarter: number | null; window: Period[]; counties: CountyRowFigure[] }> {
  const ind = figureIndicator(input.indicator);
  const countyIds = await countiesFor(db, scope, { unitId: input.unitId });
  const w = await resolveWindow(db, countyIds, input);
  const statuses = figureStatuses(input.includeSubmitted);
  // Each county's figure and change come from its kept overview parts; completeness from the grouped counts.
  const [kept, counties, targets, completeness] = await Promise.all([
    countyPartsFor(db, countyIds, w, quartersEndingAt(w.end, TREND_QUARTERS), statuses),
    countiesByIds(db, countyIds),
    targetsOf(db, countyIds, input.year).then((all) => all.filter((t) => t.indicator === ind.code && t.kind === 'county_total')),
    completenessCounts(db, countyIds, w.window.length ? w.window : [w.end]),
  ]);
  // Counties with a county-wide target on the indicator are measured on their school windows (only theirs are read).
  const targeted = [...new Set(targets.map((t) => t.countyId))];
  const frames = targeted.length ? await targetFrames(db, targeted, w, statuses, targets) : new Map<number, CountyFrame>();
  const rows = counties.map((c): CountyRowFigure => {
    const parts = kept.get(c.id);
    const figureOf = (part: FigurePart | undefined) => figureOfParts(ind, part ? [part] : []);
    const figure = figureOf(parts?.window[ind.code]);
    const own = completeness.filter((r) => r.countyId === c.id);
    const active = own[0]?.schools ?? 0;
    const reported = w.window.length ? own.reduce((t, r) => t + r.approved + (input.includeSubmitted ? r.submitted : 0), 0) : 0;
    const measured = frames.get(c.id);
    const countyTargets = targets.filter((t) => t.countyId === c.id);
    return {
      countyId: c.id,
      code: c.code,
      name: c.name,
      figure,
      change: figure.type === 'number' ? change(figureValue(figureOf(parts?.current[ind.code])), figureValue(figureOf(parts?.previous[ind.code]))) : null,
      targets: measured
        ? countyTargets.map((t) => {
            const r = evaluateTarget(t, countyTargets, measured.present, measured.frame);
            return {
              ...brief(t),
              actual: r.actual,
              met: r.met,
              schoolsNotMet: null,
              schools: r.schools,
              reported: r.reported,
              unmeasured: r.unmeasured ?? null,
            };
          })
        : [],
      rank: null,
      completeness: { schools: active, reported, expected: active * w.window.length },
    };
  });
  const ranks = rank(rows, (r) => figureValue(r.figure), ind.better ?? 'higher');
  for (const r of rows) r.rank = ranks.get(r) ?? null;
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code));
  return { indicator: ind.code, year: input.year, quarter: input.quarter ?? null, window: w.window, counties: rows };
}
