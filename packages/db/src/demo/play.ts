import { AppError, type ReportIssue, type ReportValues } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Actor } from '../services/actor.js';
import { approveReport, reopenReport, returnReport, saveReport, submitReport, type ReportOptions } from '../services/reports.js';
import type { DemoSchool } from './profiles.js';
import type { DemoActor, DemoReportPlan, DemoStep } from './scenario.js';

export interface DemoActors {
  principalOf(school: DemoSchool): Actor;
  officer: Actor;
  bureau: Actor;
}

/** What schools write when a big move on last year is real: [when it went up, when it went down]. */
const MOVES: Record<string, readonly [string, string]> = {
  electricity_kwh: [
    '本季度新建录播教室、更新空调设备投入使用，用电量较上年同期增加，已核对电费单据。',
    '学校完成节能改造（更换LED照明、空调定时控制），用电量较上年同期明显下降，已核对电费单据。',
  ],
  water_m3: ['本季度校园绿化浇灌和供水管网检修用水增加，已核对水费单据。', '学校完成供水管网漏损改造并推广节水器具，用水量明显下降，已核对水费单据。'],
  gas_m3: ['就餐学生人数增加，食堂用气量相应增加。', '食堂更换节能灶具，用气量明显下降。'],
  students_enrolled: ['学区调整，新增生源较多，人数已与学籍系统核对。', '生源外流及学区调整，人数已与学籍系统核对。'],
  staff_count: ['新招聘教师到岗。', '部分教师交流轮岗、退休。'],
  green_area_total_m2: ['本年度实施校园绿化提升工程，新增绿地较多。', '校园改扩建占用部分绿地。'],
};

/** The explanation a school writes for a warning it did not foresee (a careless one just "verifies" it). */
function explanation(plan: DemoReportPlan, issue: ReportIssue, careless: boolean): string {
  if (careless) return '已核实。';
  if (issue.rule === 'jump' || issue.rule === 'jump_quarter') {
    const now = plan.figures.values[issue.code];
    const before = (issue.rule === 'jump' ? plan.lastYear : plan.previousQuarter)?.[issue.code];
    const texts = MOVES[issue.code];
    if (texts && typeof now === 'number' && typeof before === 'number') return now >= before ? texts[0] : texts[1];
    return '数据已核实无误。';
  }
  if (issue.rule === 'peer_outlier') {
    const s = plan.school;
    if (s.boarding) return '本校为寄宿制学校，学生在校食宿，能耗和用水与同类走读学校差异较大，已对照缴费单据核实无误。';
    if (s.students < 300) return '本校规模较小，校舍面积相对学生数偏大，人均指标与同类学校差异较大，已对照缴费单据核实无误。';
    return '已对照电费、水费缴费单据核实，数据无误。';
  }
  return '情况属实，已整改到位。';
}

interface Progress {
  version: number;
  /** True until a save after the bureau sent the report back (the correction). */
  careless: boolean;
  sentBack: boolean;
}

/**
 * Plays the demo's report steps in the order they happened, each through the same service a user's action takes:
 * saveReport, submitReport (refused until every warning is explained, as for a user), approveReport, returnReport,
 * reopenReport, with the acting account and the step's time as the clock. Steps run in batches, each batch in one
 * transaction; nothing but the returned version is read back.
 */
export async function playDemoReports(db: Kysely<Database>, plans: readonly DemoReportPlan[], actors: DemoActors): Promise<void> {
  const events = plans
    .flatMap((plan, p) => plan.steps.map((step, s) => ({ plan: p, step, order: s })))
    .sort((a, b) => a.step.at.getTime() - b.step.at.getTime() || a.plan - b.plan || a.order - b.order);
  const progress = plans.map((plan): Progress => ({ version: 0, careless: plan.mistaken, sentBack: false }));
  const actorOf = (who: DemoActor, school: DemoSchool) => (who === 'principal' ? actors.principalOf(school) : actors[who]);

  const BATCH = 400;
  for (let start = 0; start < events.length; start += BATCH) {
    await db.transaction().execute(async (trx) => {
      for (const { plan: p, step } of events.slice(start, start + BATCH)) {
        await play(trx, plans[p]!, progress[p]!, step, actorOf(step.actor, plans[p]!.school));
      }
    });
  }
}

async function play(db: Kysely<Database>, plan: DemoReportPlan, state: Progress, step: DemoStep, actor: Actor): Promise<void> {
  const options: ReportOptions<'version'> = { now: step.at, returning: 'version' };
  const key = { schoolId: plan.school.id, period: plan.period };
  const save = (values: ReportValues, explanations?: Record<string, string>) =>
    saveReport(db, actor, { ...key, version: state.version, values, explanations }, options);
  switch (step.kind) {
    case 'save':
      state.version = (await save(step.values, step.explanations)).version;
      if (state.sentBack) state.careless = false;
      return;
    case 'submit':
      try {
        state.version = (await submitReport(db, actor, { ...key, version: state.version }, options)).version;
      } catch (error) {
        const warnings = error instanceof AppError && error.code === 'BAD_REQUEST' ? (error.issues as ReportIssue[] | undefined) : undefined;
        if (!warnings?.length || warnings.some((i) => i.severity !== 'warning')) {
          throw new Error(`演示数据未能报送（${plan.school.name} ${plan.period}）：${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
        // As a user would: explain each warning, save, submit again.
        const explanations = Object.fromEntries(warnings.map((i) => [i.code, explanation(plan, i, state.careless)]));
        state.version = (await save({}, explanations)).version;
        state.version = (await submitReport(db, actor, { ...key, version: state.version }, options)).version;
      }
      return;
    case 'approve':
      state.version = (await approveReport(db, actor, { ...key, version: state.version }, options)).version;
      return;
    case 'return':
      state.version = (await returnReport(db, actor, { ...key, version: state.version, reason: step.reason }, options)).version;
      state.sentBack = true;
      return;
    case 'reopen':
      state.version = (await reopenReport(db, actor, { ...key, reason: step.reason }, options)).version;
      state.sentBack = true;
      return;
  }
}
