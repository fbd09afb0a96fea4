import { describe, expect, it } from 'vitest';
import { buildSummary, summaryText, type ReportExplanations, type SummaryDocument, type SummaryInput } from '../src/index.js';
import { countyInput, fixtureReports, fixtureSchools, target, TARGETS_2026, type StoredReport } from './summary-fixture.js';

/**
 * The wording rules of issue 16 part 2, as a county bureau writes its summary: problems name no school (they are
 * counted and listed in the appendix), targets in words, part-year phrases, spending against last year, the issuing
 * unit, and next year's plans only where they apply.
 */
const text = (doc: SummaryDocument) => summaryText(doc.title, doc.sections, doc.figures);
const names = fixtureSchools().map((s) => s.name);
const between = (t: string, from: string, to: string) => t.slice(t.indexOf(from), to ? t.indexOf(to) : undefined);

/** Explanations the schools wrote on their reports, naming themselves as principals do. */
const EXPLANATIONS: ReportExplanations[] = [
  { schoolId: 4, period: '2026Q4', texts: { liability_insured: '青石县柳溪九年制学校有12名转学新生尚未办理参保手续。' } },
  { schoolId: 7, period: '2026Q3', texts: { electricity_kwh: '我校新建学生宿舍楼投入使用，用电量增加' } },
  { schoolId: 6, period: '2026Q2', texts: { food_safety_grade: '食堂更换承包方后重新评级' } },
];

/** Every comparator and measure a county may set, so the text meets each of them. */
const ALL_KINDS = [
  ...TARGETS_2026,
  target({ indicator: 'energy_kgce_per_person', kind: 'each_school', comparator: 'lte', value: 30 }),
  target({ indicator: 'food_incidents', kind: 'county_total', comparator: 'eq', value: 0 }),
  target({ indicator: 'water_m3', kind: 'county_total', measure: 'change_percent', comparator: 'gte', value: -2 }),
  target({ indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'certified', comparator: 'gte', value: 3 }),
];

describe.each([1, 2, 3, 4] as const)('a county summary up to quarter %i', (upTo) => {
  const doc = buildSummary({ ...countyInput(upTo), targets: ALL_KINDS, explanations: EXPLANATIONS });
  const all = text(doc);
  const problems = between(all, '二、存在的问题', '三、下一步工作打算');
  const opening = between(all, doc.title, '一、');

  it('names no school in part 二 nor in the opening', () => {
    for (const name of names) {
      expect(problems, name).not.toContain(name);
      expect(opening, name).not.toContain(name);
    }
    expect(problems).toMatch(/个别学校|少数学校（\d+所）|部分学校（\d+所）|全部\d+所学校/);
  });

  it('writes no comparison symbol anywhere in the text', () => {
    expect(all).not.toMatch(/[≥≤=<>＜＞]/);
  });

  it('says which part of the year it covers: 第一季度, 上半年, 前三季度', () => {
    const part = { 1: '第一季度', 2: '上半年', 3: '前三季度', 4: '' }[upTo];
    expect(doc.title).toBe(`青石县教育局2026年${part}学校后勤工作总结`);
    expect(all).not.toContain('截至第');
    expect(all).not.toContain('截至2026年');
    if (upTo < 4) expect(all).toContain(`2026年${part}，全县`);
  });

  it('lists every school that missed an each-school target in the appendix, with the target in words', () => {
    const appendix = doc.tables.find((t) => t.id === 'missed-schools')!;
    expect(appendix.title).toBe('未达到目标的学校名单');
    expect(appendix.columns.map((c) => c.label)).toEqual(['学校', '指标', '目标', '实际', '说明']);
    // Computed plainly: a school misses 校方责任险参保率 100% when it insured fewer than it enrolled (latest quarter).
    const stored = fixtureReports().filter((r) => r.status === 'approved' && r.period.startsWith('2026') && Number(r.period.slice(-1)) <= upTo);
    for (const s of fixtureSchools()) {
      const latest = stored.filter((r) => r.schoolId === s.id).sort((a, b) => (a.period < b.period ? 1 : -1))[0];
      if (!latest) continue;
      const short = (latest.values.liability_insured as number) < (latest.values.students_enrolled as number);
      const row = appendix.rows.find((r) => r[0] === s.name && r[1] === '校方责任险参保率');
      expect(Boolean(row), s.name).toBe(short);
      if (row) expect(row[2]).toBe('达到100%');
    }
    // Every school a figure of part 二 counts is named there.
    const listed = new Set(appendix.rows.map((r) => r[0]));
    for (const f of Object.values(doc.figures)) {
      if (!f.names || !problems.includes(f.text) || f.id.startsWith('assured')) continue;
      for (const name of f.names) expect(listed.has(name), `${f.id}: ${name}`).toBe(true);
    }
    for (const row of appendix.rows) for (const cell of row) expect(String(cell)).not.toMatch(/[≥≤=<>]/);
  });
});

describe('causes and figures in part 二', () => {
  const doc = buildSummary({ ...countyInput(4), explanations: EXPLANATIONS });
  const problems = between(text(doc), '二、存在的问题', '三、下一步工作打算');

  it('quotes the schools’ explanations as causes, with their names taken out', () => {
    expect(problems).toContain('据有关学校说明，主要原因是：该校有12名转学新生尚未办理参保手续');
    expect(problems).toContain('据有关学校说明，主要原因是：该校新建学生宿舍楼投入使用，用电量增加');
    const appendix = doc.tables[0]!;
    expect(appendix.rows).toContainEqual(['青石县柳溪九年制学校', '校方责任险参保率', '达到100%', '98.6%', '该校有12名转学新生尚未办理参保手续']);
  });

  it('gives the figure with the count', () => {
    // School 7's energy use rose by a third; schools 4 and 5 are each the only one of their kind.
    expect(problems).toMatch(/个别学校综合能耗较上年增长3\d(\.\d)?%，增幅超过20%/);
    expect(problems).toContain('个别学校未达到“每所学校校方责任险参保率达到100%”的目标，实际为98.6%');
  });

  it('counts schools the way a bureau does', async () => {
    const { schoolsConcerned } = await import('../src/index.js');
    expect([1, 2, 3, 5, 7].map((n) => schoolsConcerned(n, 7))).toEqual(['个别学校', '少数学校（2所）', '部分学校（3所）', '部分学校（5所）', '全部7所学校']);
  });
});

describe('spending against last year', () => {
  it('states the like-for-like change in 万元 and percent where both years have it', () => {
    const stored = fixtureReports();
    const plainChange = (code: string) => {
      const now = stored.filter((r) => r.status === 'approved' && r.period.startsWith('2026'));
      const pairs = now.flatMap((r) => {
        const before = stored.find((l) => l.schoolId === r.schoolId && l.period === r.period.replace('2026', '2025') && l.status === 'approved');
        return before ? [[r.values[code] as number, before.values[code] as number]] : [];
      });
      const a = pairs.reduce((t, p) => t + p[0]!, 0);
      const b = pairs.reduce((t, p) => t + p[1]!, 0);
      return { diff: a - b, percent: ((a - b) / b) * 100 };
    };
    const energy = plainChange('energy_cost_yuan');
    const water = plainChange('water_cost_yuan');
    const words = (c: { diff: number; percent: number }) =>
      `${c.diff < 0 ? '减少' : '增加'}${Number((Math.abs(c.diff) / 10_000).toFixed(2))}万元、${c.percent < 0 ? '降低' : '增长'}${Number(Math.abs(c.percent).toFixed(1))}%`;
    const all = text(buildSummary(countyInput(4, stored)));
    expect(all).toContain(`按两年同期均有数据的学校同口径计算，能源费用较上年${words(energy)}，水费较上年${words(water)}。`);
  });

  it('says nothing of a change when last year lacks the spending', () => {
    const stored: StoredReport[] = fixtureReports().map((r) =>
      r.period.startsWith('2025') ? { ...r, values: { ...r.values, energy_cost_yuan: null, water_cost_yuan: null } } : r,
    );
    const all = text(buildSummary(countyInput(4, stored)));
    expect(all).not.toContain('能源费用较上年');
    expect(all).not.toContain('水费较上年');
    expect(all).toContain('支出能源费用');
  });
});

describe('the issuing unit and next year’s plans', () => {
  it('titles the summary with the county’s issuing unit', () => {
    const doc = buildSummary({ ...countyInput(4), issuer: '青石县教育和体育局' });
    expect(doc.issuer).toBe('青石县教育和体育局');
    expect(doc.title).toBe('青石县教育和体育局2026年学校后勤工作总结');
    expect(buildSummary(countyInput(4)).issuer).toBe('青石县教育局');
  });

  const schoolInput = (id: number, upTo: 1 | 2 | 3 | 4 = 4): SummaryInput => {
    const base = countyInput(upTo);
    const school = base.schools.find((s) => s.id === id)!;
    return {
      ...base,
      level: 'school',
      unit: { id, name: school.name },
      schools: [school],
      reports: base.reports.filter((r) => r.schoolId === id),
      submissions: base.submissions.filter((s) => s.schoolId === id),
      explanations: EXPLANATIONS,
    };
  };

  it('keeps a vocational target out of a nine-year school’s plans and in the vocational school’s', () => {
    const nine = text(buildSummary(schoolInput(4)));
    const plans = nine.slice(nine.indexOf('三、'));
    expect(plans).not.toContain('实习责任险');
    const vocational = text(buildSummary(schoolInput(5)));
    expect(vocational.slice(vocational.indexOf('三、'))).toContain('2027年，力争我校实习责任险参保率达到100%。');
  });

  it('keeps it out of a county’s plans when the county has no vocational school', () => {
    const base = countyInput(4);
    const schools = base.schools.filter((s) => s.type !== 'vocational');
    const ids = new Set(schools.map((s) => s.id));
    const all = text(
      buildSummary({
        ...base,
        schools,
        reports: base.reports.filter((r) => ids.has(r.schoolId)),
        submissions: base.submissions.filter((s) => ids.has(s.schoolId)),
      }),
    );
    expect(all.slice(all.indexOf('三、下一步工作打算'))).not.toContain('实习责任险');
    expect(all).toContain('2027年，力争全县综合能耗较上年降低15%以上。');
  });

  it('holds a school’s own summary to the same standard', () => {
    for (const upTo of [2, 4] as const) {
      const doc = buildSummary(schoolInput(4, upTo));
      const all = text(doc);
      expect(doc.title).toBe(`青石县柳溪九年制学校2026年${upTo === 2 ? '上半年' : ''}后勤工作总结`);
      expect(all).not.toMatch(/[≥≤=<>]/);
      expect(all).not.toContain('截至第');
      expect(all).toContain('“我校校方责任险参保率达到100%”');
      if (upTo === 4) expect(all).toContain('主要原因是：我校有12名转学新生尚未办理参保手续');
    }
  });
});
