import { applies, MEASURE_DOMAINS, practiceIndicator, type MeasureDomain, type MeasureKind, type Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Actor } from '../services/actor.js';
import { addMeasure, choosePractices, schoolPractices } from '../services/measures.js';
import type { QuarterFigures } from './figures.js';
import type { DemoProfile } from './profiles.js';
import type { Random } from './random.js';

/**
 * What the demo's schools write as 本季度主要做法 and what its bureau records as measures (issue 16), in the words
 * schools and bureaus use. The texts go into the reports before they are played through the services, the
 * measures and chosen practices through the bureau's own services.
 */
const PRACTICES: Record<MeasureDomain, readonly string[]> = {
  insurance: [
    '利用家长会和致家长的一封信宣讲校方责任险、学平险政策，明确学平险由家长自愿购买，学校不代收保费。',
    '建立学生伤害事故报告台账，事故发生后当日报告、三日内提交理赔资料，协助家长办理理赔。',
    '开学初逐班核对学生医保参保名册，对未参保学生逐户电话提醒，做到应保尽保。',
  ],
  energy: [
    '推行“人走灯灭、关窗断电”，每周由值周教师检查各班用电情况并通报。',
    '更换教室LED节能灯具，食堂安装节水龙头，定期巡查供水管网，杜绝跑冒滴漏。',
    '按楼栋安装分项电表，每月公示各楼栋用电量，开展节能班级评比。',
  ],
  green: [
    '开展植树节“一班一树”认领活动，发动师生认养校园绿化责任区。',
    '利用校园边角地建设劳动实践种植园，新增绿地的同时开展劳动教育。',
    '落实绿化专人管护，按季节修剪补植，校园绿地无裸露黄土。',
  ],
  canteen: [
    '落实校领导陪餐制度，每餐公示陪餐人员，收集学生对饭菜的意见。',
    '建立食材采购索证索票台账，每批食材可追溯，每餐每样留样125克以上、保存48小时。',
    '食堂后厨安装视频监控，家长委员会每月参与一次食堂开放日。',
  ],
};

/**
 * Writes a practice into some of the later quarters' figures (the last six quarters, about one school-quarter in
 * four per domain), where the text applies to the school; the figures are then saved like any other value.
 */
export function addDemoPractices(profiles: readonly DemoProfile[], figures: readonly (readonly QuarterFigures[])[], random: Random, fromPeriod: Period): void {
  profiles.forEach((profile, i) => {
    for (const quarter of figures[i]!) {
      if (quarter.period < fromPeriod) continue;
      for (const domain of MEASURE_DOMAINS) {
        const ind = practiceIndicator(domain)!;
        if (!applies(ind, profile.school) || !random.chance(0.25)) continue;
        quarter.values[ind.code] = random.pick(PRACTICES[domain]);
      }
    }
  });
}

const MEASURES: readonly { domain: MeasureDomain; monthDay: string; kind: MeasureKind; text: string }[] = [
  { domain: 'insurance', monthDay: '03-06', kind: 'document', text: '转发《四川省校方责任保险统保方案》，要求各学校认真组织学习，充分了解政策及理赔程序' },
  { domain: 'insurance', monthDay: '09-08', kind: 'meeting', text: '全县学校安全与保险工作会议' },
  { domain: 'energy', monthDay: '04-15', kind: 'document', text: '印发《青石县教育系统节能降耗工作方案》' },
  { domain: 'energy', monthDay: '10-20', kind: 'inspection', text: '对各学校用电、用水管理开展专项检查' },
  { domain: 'green', monthDay: '03-12', kind: 'meeting', text: '全县校园绿化暨植树节动员会' },
  { domain: 'canteen', monthDay: '02-27', kind: 'training', text: '全县学校食堂从业人员食品安全培训' },
  { domain: 'canteen', monthDay: '05-18', kind: 'inspection', text: '会同县市场监管局对学校食堂开展食品安全联合检查' },
];

/** The bureau's measures of each year, and for each domain the first two schools' practices of the year chosen as 典型做法. */
export async function recordDemoMeasures(db: Kysely<Database>, officer: Actor, countyId: number, years: readonly number[]): Promise<number> {
  let count = 0;
  for (const year of years) {
    for (const m of MEASURES) {
      await addMeasure(db, officer, { countyId, domain: m.domain, date: `${year}-${m.monthDay}`, kind: m.kind, text: m.text });
      count += 1;
    }
    for (const domain of MEASURE_DOMAINS) {
      const offered = await schoolPractices(db, officer.scope, { countyId, year, domain });
      const picks: { schoolId: number; period: string }[] = [];
      for (const p of offered) if (picks.length < 2 && !picks.some((x) => x.schoolId === p.schoolId)) picks.push({ schoolId: p.schoolId, period: p.period });
      if (picks.length) await choosePractices(db, officer, { countyId, year, domain, picks });
    }
  }
  return count;
}
