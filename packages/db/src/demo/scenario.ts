import { inputIndicatorsFor, periodLabel, type Period, type ReportValues } from '@oversight/domain';
import { DEMO_PERIODS, DEMO_QUARTERS, DEMO_TODAY, dayAfterQuarter, daysLater, workday } from './calendar.js';
import type { QuarterFigures } from './figures.js';
import type { DemoProfile, DemoSchool } from './profiles.js';
import type { Random } from './random.js';

/** Who acts: the school's principal, the county's officer, or its bureau admin (who approves what the officer typed in). */
export type DemoActor = 'principal' | 'officer' | 'bureau';

export type DemoStep = { at: Date; actor: DemoActor } & (
  | { kind: 'save'; values: ReportValues; explanations?: Record<string, string> }
  | { kind: 'submit' }
  | { kind: 'approve' }
  | { kind: 'return'; reason: string }
  | { kind: 'reopen'; reason: string }
);

/** A step without its time (the plan sets the time so that steps stay in order). */
type StepBody = DemoStep extends infer S ? (S extends DemoStep ? Omit<S, 'at'> : never) : never;

/** One school's report for one quarter as it happens: the steps in order, each through the services. */
export interface DemoReportPlan {
  school: DemoSchool;
  period: Period;
  figures: QuarterFigures;
  /** The same quarter a year earlier and the previous quarter, when the school reported them (for explaining big moves). */
  lastYear: ReportValues | null;
  previousQuarter: ReportValues | null;
  /** Until the correction, the figures carry a mistake the school "verified" without looking. */
  mistaken: boolean;
  steps: DemoStep[];
}

const fmt = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
const num = (values: ReportValues, code: string) => values[code] as number;

/** Mistakes schools really make, and what the officer writes when sending the report back. */
interface Mistake {
  fits(values: ReportValues): boolean;
  wrong(values: ReportValues): ReportValues;
  reason(wrong: ReportValues, right: ReportValues, period: Period): string;
}

const MISTAKES: readonly Mistake[] = [
  {
    fits: (v) => num(v, 'electricity_kwh') > 1000,
    wrong: (v) => ({ electricity_kwh: num(v, 'electricity_kwh') * 10 }),
    reason: (w) => `用电量填报为${fmt(num(w, 'electricity_kwh'))}千瓦时，约为正常水平的10倍，疑似多录入一位数字，请对照电费缴费单核实后更正。`,
  },
  {
    fits: (v) => num(v, 'medical_insured') > 50,
    wrong: (v) => ({ medical_insured: Math.round(num(v, 'students_enrolled') * 0.55) }),
    reason: (w, r) =>
      `城乡居民医保参保人数填报为${fmt(num(w, 'medical_insured'))}人，与县医保局反馈的你校学生参保名册（${fmt(num(r, 'medical_insured'))}人）差距较大，请按在籍学生名册核对后更正。`,
  },
  {
    fits: (v) => typeof v.inspections === 'number' && v.inspections > 0,
    wrong: () => ({ inspections: 0, issues_found: 0, issues_rectified: 0 }),
    reason: () => '本季度县教育局会同县市场监管局对你校食堂开展了联合检查，接受检查次数不应为0，请据实填报检查次数及发现、整改问题数。',
  },
  {
    fits: (v) => num(v, 'water_m3') > 100,
    wrong: (v) => ({ water_m3: num(v, 'water_cost_yuan') }),
    reason: (w) => `用水量填报为${fmt(num(w, 'water_m3'))}立方米，与水费金额相同，疑似将水费误填为用水量，请核实后更正。`,
  },
  {
    fits: (v) => num(v, 'green_area_added_m2') >= 200,
    wrong: (v) => ({ green_area_added_m2: Math.round((num(v, 'green_area_added_m2') / (10000 / 15)) * 100) / 100 }),
    reason: (w) => `新增绿地面积应以平方米填报，你校填报${fmt(num(w, 'green_area_added_m2'))}，疑似按亩填写，请换算为平方米后更正（1亩约合666.7平方米）。`,
  },
];

/** Found by the county audit after approval: the canteen's water sub-meter was left out. */
const UNCOUNTED_METER: Mistake = {
  fits: (v) => num(v, 'water_m3') > 100,
  wrong: (v) => ({ water_m3: Math.round(num(v, 'water_m3') * 0.9), water_cost_yuan: Math.round(num(v, 'water_cost_yuan') * 90) / 100 }),
  reason: (_w, _r, period) => `县审计局抽查发现你校${periodLabel(period)}用水量未计入食堂分表读数，现重新打开报表，请补报后重新报送。`,
};

const pick = <T>(values: ReportValues, codes: readonly string[]) => Object.fromEntries(codes.filter((c) => c in values).map((c) => [c, values[c]!])) as T;

/** What a school fills in first: its headcounts and insured pupils (stocks of basics and insurance). */
function firstStocks(school: DemoSchool, values: ReportValues): ReportValues {
  const codes = inputIndicatorsFor(school)
    .filter((i) => i.kind === 'stock' && (i.domain === 'basics' || i.domain === 'insurance'))
    .map((i) => i.code);
  return pick(values, codes);
}

type Story = 'normal' | 'late' | 'corrected' | 'reopened' | 'pending_review' | 'pending_return' | 'draft' | 'missing' | 'started';

function minutesLater(at: Date, random: Random, min = 20, max = 90): Date {
  return new Date(at.getTime() + random.int(min, max) * 60_000);
}

/** Later than `previous`: the candidate, or a little after `previous` when the candidate is not. */
const after = (previous: Date, candidate: Date, random: Random) => (candidate > previous ? candidate : minutesLater(previous, random));

/**
 * How each school's quarters went: mostly saved, submitted on time and approved; some late; some sent back with a
 * reason and corrected; one reopened after approval; in the last closed quarter a few still waiting for review,
 * returned, in draft or missing; the current quarter begun by some schools. Steps after the demo's today are dropped.
 */
export function demoScenario(profiles: readonly DemoProfile[], figures: readonly (readonly QuarterFigures[])[], random: Random): DemoReportPlan[] {
  const last = DEMO_QUARTERS - 1;
  const stories = profiles.map(() => new Map<number, Story>());
  const shuffled = (list: number[]) => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  const all = profiles.map((_, i) => i);
  const villages = all.filter((i) => profiles[i]!.school.name.endsWith('村小学')).sort((a, b) => profiles[a]!.school.students - profiles[b]!.school.students);
  // The two smallest village schools sent paper returns for the first five quarters: the officer typed them in.
  const paper = new Set(villages.slice(0, 2));
  const [oldMissingA, oldMissingB] = shuffled(villages.slice(2));
  stories[oldMissingA!]!.set(3, 'missing');
  stories[oldMissingB!]!.set(7, 'missing');

  const lastQuarter = shuffled(all);
  const counts: [Story, number][] = [
    ['missing', 3],
    ['draft', 3],
    ['pending_return', 4],
    ['pending_review', 6],
  ];
  let cursor = 0;
  for (const [story, n] of counts) for (let i = 0; i < n; i++) stories[lastQuarter[cursor++]!]!.set(last, story);
  const reopened = lastQuarter.slice(cursor).find((i) => profiles[i]!.school.location === 'urban')!;
  stories[reopened]!.set(8, 'reopened');
  for (const i of shuffled(all).slice(0, 12)) stories[i]!.set(DEMO_QUARTERS, 'started');

  const plans: DemoReportPlan[] = [];
  profiles.forEach((profile, s) => {
    for (let index = 0; index <= DEMO_QUARTERS; index++) {
      const period = index < DEMO_QUARTERS ? DEMO_PERIODS[index]! : figures[s]![index]!.period;
      let story = stories[s]!.get(index) ?? (index === DEMO_QUARTERS ? null : random.chance(0.04) ? 'late' : random.chance(0.035) ? 'corrected' : 'normal');
      if (!story || story === 'missing') continue;
      const truth = figures[s]![index]!;
      const mistakes = MISTAKES.filter((m) => m.fits(truth.values));
      const mistake =
        story === 'reopened' ? UNCOUNTED_METER : story === 'corrected' || story === 'pending_return' ? (mistakes.length ? random.pick(mistakes) : null) : null;
      if ((story === 'corrected' || story === 'pending_return') && !mistake) story = story === 'corrected' ? 'normal' : 'pending_review';
      const enteredBy: DemoActor = paper.has(s) && index <= 4 ? 'officer' : 'principal';
      const reviewer: DemoActor = enteredBy === 'officer' ? 'bureau' : 'officer';
      const wrong = mistake ? { ...truth.values, ...mistake.wrong(truth.values) } : truth.values;
      const steps: DemoStep[] = [];
      const step = (candidate: Date, rest: StepBody) => {
        const at = steps.length ? after(steps.at(-1)!.at, candidate, random) : candidate;
        steps.push({ at, ...rest } as DemoStep);
        return at;
      };
      const hour = () => random.int(8, 17);
      const closed = DEMO_PERIODS[Math.min(index, last)]!;

      if (story === 'started') {
        // The current quarter: a head start on the headcounts in November; stocks and statuses carry over.
        step(dayAfterQuarter(closed, random.int(33, 50), hour(), random.int(0, 59)), {
          kind: 'save',
          actor: 'principal',
          values: firstStocks(profile.school, truth.values),
        });
      } else if (story === 'draft') {
        step(dayAfterQuarter(period, random.int(5, 40), hour(), random.int(0, 59)), {
          kind: 'save',
          actor: enteredBy,
          values: firstStocks(profile.school, truth.values),
        });
      } else {
        const firstDay = period.endsWith('Q3') ? random.int(8, 12) : random.int(2, 10);
        let at = dayAfterQuarter(period, firstDay, hour(), random.int(0, 59));
        if (random.chance(0.2)) {
          step(at, { kind: 'save', actor: enteredBy, values: firstStocks(profile.school, wrong) });
          at = daysLater(at, random.int(1, 3), hour(), random.int(0, 59));
        }
        step(at, { kind: 'save', actor: enteredBy, values: wrong, explanations: truth.explanations });
        const submitDay =
          story === 'late' ? random.int(16, 28) : story === 'pending_review' ? random.int(firstDay + 1, 50) : Math.min(15, firstDay + random.int(0, 3));
        const submitted = step(dayAfterQuarter(period, submitDay, random.int(9, 17), random.int(0, 59)), { kind: 'submit', actor: enteredBy });
        if (story === 'corrected' || story === 'pending_return') {
          const returned = step(workday(daysLater(submitted, random.int(1, 3), random.int(9, 16), random.int(0, 59))), {
            kind: 'return',
            actor: reviewer,
            reason: mistake!.reason(wrong, truth.values, period),
          });
          if (story === 'corrected') {
            const codes = Object.keys(mistake!.wrong(truth.values));
            const fixed = step(daysLater(returned, random.int(1, 4), hour(), random.int(0, 59)), {
              kind: 'save',
              actor: enteredBy,
              values: pick(truth.values, codes),
              explanations: Object.fromEntries(codes.map((c) => [c, truth.explanations[c] ?? ''])),
            });
            const resubmitted = step(minutesLater(fixed, random), { kind: 'submit', actor: enteredBy });
            step(workday(daysLater(resubmitted, random.int(1, 3), random.int(9, 16), random.int(0, 59))), { kind: 'approve', actor: reviewer });
          }
        } else if (story !== 'pending_review') {
          step(workday(daysLater(submitted, random.int(1, 6), random.int(9, 16), random.int(0, 59))), { kind: 'approve', actor: reviewer });
        }
        if (story === 'reopened') {
          const reopenedAt = step(workday(dayAfterQuarter(period, random.int(68, 75), random.int(9, 16), random.int(0, 59))), {
            kind: 'reopen',
            actor: 'officer',
            reason: mistake!.reason(wrong, truth.values, period),
          });
          const codes = Object.keys(mistake!.wrong(truth.values));
          const fixed = step(daysLater(reopenedAt, random.int(1, 3), hour(), random.int(0, 59)), {
            kind: 'save',
            actor: 'principal',
            values: pick(truth.values, codes),
          });
          const resubmitted = step(minutesLater(fixed, random), { kind: 'submit', actor: 'principal' });
          step(workday(daysLater(resubmitted, random.int(1, 3), random.int(9, 16), random.int(0, 59))), { kind: 'approve', actor: 'officer' });
        }
      }
      const kept = steps.filter((st) => st.at <= DEMO_TODAY);
      if (!kept.length) continue;
      const reported = (i: number) => (i >= 0 && stories[s]!.get(i) !== 'missing' ? figures[s]![i]!.values : null);
      plans.push({
        school: profile.school,
        period,
        figures: truth,
        lastYear: reported(index - 4),
        previousQuarter: reported(index - 1),
        mistaken: mistake !== null,
        steps: kept,
      });
    }
  });
  return plans;
}
