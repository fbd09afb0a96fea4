import { describe, expect, it } from 'vitest';
import {
  buildSummary,
  choosePracticesInput,
  measureInput,
  summaryText,
  type SummaryDocument,
  type SummaryInput,
  type SummaryMeasures,
  type SummarySection,
} from '../src/index.js';
import { countyInput } from './summary-fixture.js';

const MEASURES: SummaryMeasures = {
  bureau: '青石县教育局',
  list: [
    // Out of order on purpose: the sentence follows the dates.
    { id: 3, domain: 'insurance', date: '2026-05-12', kind: 'meeting', text: '全县学校安全与保险工作会议' },
    { id: 1, domain: 'insurance', date: '2026-03-02', kind: 'document', text: '转发《四川省校方责任保险统保方案》，要求各学校认真组织学习。' },
    { id: 4, domain: 'insurance', date: '2026-05-20', kind: 'inspection', text: '学平险收费专项检查' },
    { id: 2, domain: 'canteen', date: '2026-04-08', kind: 'training', text: '食堂从业人员食品安全培训' },
  ],
  practices: [
    {
      schoolId: 3,
      schoolName: '青石县第一中学',
      domain: 'canteen',
      period: '2026Q2',
      text: '我校推行校长陪餐制度，\n- 每周公示带量食谱\n- 家长代表每月参与食堂开放日',
    },
    { schoolId: 1, schoolName: '青石县实验小学', domain: 'canteen', period: '2026Q1', text: '建立食材采购索证索票台账，做到每批可追溯。' },
  ],
};

const withMeasures = (measures: SummaryMeasures | undefined, level: SummaryInput['level'] = 'county'): SummaryDocument => {
  const input = countyInput(4);
  return buildSummary({ ...input, ...(measures ? { measures } : {}), level });
};
const domainOf = (doc: SummaryDocument, id: string): SummarySection => doc.sections.find((s) => s.id === 'achievements')!.children.find((c) => c.id === id)!;

describe('part 一: the bureau’s measures before the figures', () => {
  it('opens the domain with its measures in date order, the month once per month, then 通过努力 and the result', () => {
    const insurance = domainOf(withMeasures(MEASURES), 'insurance');
    expect(insurance.paragraphs[0]).toEqual({
      id: 'insurance-measures',
      text:
        '2026年，青石县教育局3月转发《四川省校方责任保险统保方案》，要求各学校认真组织学习；' +
        '5月召开全县学校安全与保险工作会议；开展学平险收费专项检查。通过努力，全县各项保险覆盖面进一步扩大，学校风险防范能力不断增强。',
    });
    // The figures follow as before: the same items as a draft without measures.
    const plain = domainOf(withMeasures(undefined), 'insurance');
    expect(insurance.children).toEqual(plain.children);
    expect(plain.paragraphs).toEqual([]);
  });

  it('adds the verb a measure of its kind takes when the text has none, and varies the result by domain', () => {
    const canteen = domainOf(withMeasures(MEASURES), 'canteen');
    expect(canteen.paragraphs[0]!.text).toMatch(/^2026年，青石县教育局4月组织开展食堂从业人员食品安全培训。通过努力，全县学校食堂管理/);
    const insurance = domainOf(withMeasures(MEASURES), 'insurance').paragraphs[0]!.text;
    expect(insurance.split('通过努力，')[1]).not.toBe(canteen.paragraphs[0]!.text.split('通过努力，')[1]);
  });

  it('leaves the sentence out when the bureau recorded no measures for a domain: no placeholder, no empty words', () => {
    const doc = withMeasures(MEASURES);
    for (const id of ['energy', 'green']) expect(domainOf(doc, id)).toEqual(domainOf(withMeasures(undefined), id));
    const empty = withMeasures({ bureau: '青石县教育局', list: [], practices: [] });
    expect(empty.sections).toEqual(withMeasures(undefined).sections);
    expect(summaryText(empty.title, empty.sections, empty.figures)).not.toMatch(/通过努力|典型做法/);
  });

  it('quotes the chosen practices as 典型做法 after the figures, each school named, in the chosen order, as praise', () => {
    const canteen = domainOf(withMeasures(MEASURES), 'canteen');
    const last = canteen.children.at(-1)!;
    expect(last.id).toBe('canteen-practices');
    expect(last.title).toBe('典型做法');
    expect(last.paragraphs[0]!.text).toBe(
      '各学校结合实际积极探索，涌现出一批好的做法。' +
        '青石县第一中学推行校长陪餐制度；每周公示带量食谱；家长代表每月参与食堂开放日。' +
        '青石县实验小学建立食材采购索证索票台账，做到每批可追溯。' +
        '这些做法各具特色、成效明显，值得各学校学习借鉴。',
    );
    expect(domainOf(withMeasures(MEASURES), 'insurance').children.some((c) => c.id === 'insurance-practices')).toBe(false);
  });

  it('keeps placeholders typed by people out of the figures, and states measures in a county’s summary only', () => {
    const doc = withMeasures({
      ...MEASURES,
      list: [{ id: 9, domain: 'green', date: '2026-03-12', kind: 'document', text: '《植树节活动方案》{{fig:liability_rate}}' }],
    });
    const text = domainOf(doc, 'green').paragraphs[0]!.text;
    expect(text).toContain('3月印发《植树节活动方案》｛｛fig:liability_rate｝｝。');
    expect(text).not.toContain('{{');
    const school = buildSummary({
      ...countyInput(4),
      level: 'school',
      unit: { id: 1, name: '青石县实验小学' },
      schools: countyInput(4).schools.slice(0, 1),
      measures: MEASURES,
    });
    expect(JSON.stringify(school.sections)).not.toMatch(/通过努力|典型做法/);
  });

  it('still states measures and practices of a domain without figures, under a plain title', () => {
    const input = countyInput(4);
    const doc = buildSummary({ ...input, reports: [], targets: [], measures: MEASURES });
    const insurance = domainOf(doc, 'insurance');
    expect(insurance.title).toBe('各项保险工作有序开展');
    expect(insurance.paragraphs[0]!.text).toContain('3月转发《四川省校方责任保险统保方案》');
  });

  it('names the bureau as the county’s issuing unit when the county set one', () => {
    const doc = buildSummary({ ...countyInput(4), measures: MEASURES, issuer: '青石县教育和体育局' });
    expect(domainOf(doc, 'insurance').paragraphs[0]!.text).toMatch(/^2026年，青石县教育和体育局3月转发/);
  });
});

describe('measure and practice input', () => {
  it('refuses bad dates, kinds, empty or long text, naming the field', () => {
    const ok = { countyId: 1, domain: 'energy', date: '2026-03-15', kind: 'meeting', text: ' 全县节能\n工作会议 ' } as const;
    expect(measureInput.parse(ok).text).toBe('全县节能 工作会议');
    const message = (input: unknown) => measureInput.safeParse(input).error?.issues[0]?.message;
    expect(message({ ...ok, date: '2026-02-30' })).toBe('措施日期格式应为“2026-03-15”，且必须是有效日期。');
    expect(message({ ...ok, kind: 'party' })).toBe('措施类型只能是文件、会议、检查或培训。');
    expect(message({ ...ok, domain: 'basics' })).toBe('工作领域只能是各项保险、节能降耗、绿色校园或食堂管理。');
    expect(message({ ...ok, text: ' ' })).toBe('措施内容至少2个字。');
    expect(message({ ...ok, text: '会'.repeat(201) })).toBe('措施内容不能超过200字。');
  });

  it('takes two or three practices per domain from the year’s quarters, one per school', () => {
    const base = { countyId: 1, year: 2026, domain: 'green' } as const;
    const message = (picks: { schoolId: number; period: string }[]) => choosePracticesInput.safeParse({ ...base, picks }).error?.issues[0]?.message;
    expect(
      message([
        { schoolId: 1, period: '2026Q1' },
        { schoolId: 2, period: '2026Q4' },
      ]),
    ).toBeUndefined();
    expect(message([1, 2, 3, 4].map((schoolId) => ({ schoolId, period: '2026Q1' })))).toBe('每个领域最多选择3所学校的典型做法。');
    expect(
      message([
        { schoolId: 1, period: '2026Q1' },
        { schoolId: 1, period: '2026Q2' },
      ]),
    ).toBe('同一所学校在一个领域只能选一条典型做法。');
    expect(message([{ schoolId: 1, period: '2025Q4' }])).toBe('典型做法只能从2026年各季度的报表中选择。');
  });
});
