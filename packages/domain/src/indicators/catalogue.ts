import type { Label } from '../labels.js';
import type { SchoolType } from '../schools.js';
import type { Indicator, UnitCode } from './types.js';

export const UNIT_LABELS: Record<UnitCode, Label> = {
  persons: { zh: '人', en: 'persons' },
  times: { zh: '次', en: 'times' },
  cases: { zh: '起', en: 'cases' },
  days: { zh: '天', en: 'days' },
  kwh: { zh: '千瓦时', en: 'kWh' },
  m3: { zh: '立方米', en: 'm³' },
  kg: { zh: '千克', en: 'kg' },
  yuan: { zh: '元', en: 'yuan' },
  m2: { zh: '平方米', en: 'm²' },
  plants: { zh: '株', en: 'plants' },
  percent: { zh: '%', en: '%' },
  kgce: { zh: '千克标准煤', en: 'kgce' },
  kgce_per_person: { zh: '千克标准煤/人', en: 'kgce/person' },
  kgce_per_m2: { zh: '千克标准煤/平方米', en: 'kgce/m²' },
  m3_per_person: { zh: '立方米/人', en: 'm³/person' },
  none: { zh: '', en: '' },
};

export const DOMAIN_LABELS: Record<Indicator['domain'], Label> = {
  basics: { zh: '基本情况', en: 'Basics' },
  insurance: { zh: '各项保险', en: 'Insurance' },
  energy: { zh: '节能降耗', en: 'Energy and water' },
  green: { zh: '绿色校园', en: 'Green campus' },
  canteen: { zh: '食堂管理', en: 'Canteen' },
};

const CANTEEN = { canteen: true } as const;
const VOCATIONAL = { types: ['vocational'] } as const;
const PERSONS = [{ indicator: 'students_enrolled' }, { indicator: 'staff_count' }] as const;
const option = (value: string, zh: string, en: string) => ({ value, label: { zh, en } });
const LEVELS = [option('county', '县级', 'County'), option('city', '市级', 'City'), option('province', '省级', 'Province')];

/**
 * The indicator catalogue: every figure a school reports or the platform derives, defined once.
 * Forms, validation, import templates, analytics, targets and the annual summary all read this list.
 * Adding an indicator is adding one entry here.
 */
export const INDICATORS: readonly Indicator[] = [
  // ── basics ──
  { code: 'students_enrolled', name: { zh: '在校学生数', en: 'Students enrolled' }, domain: 'basics', unit: 'persons', valueType: 'integer', kind: 'stock', min: 1, max: 20000, jumpPercent: 30 },
  { code: 'staff_count', name: { zh: '教职工数', en: 'Staff' }, domain: 'basics', unit: 'persons', valueType: 'integer', kind: 'stock', min: 1, max: 3000, jumpPercent: 30 },
  { code: 'meal_days', name: { zh: '供餐天数', en: 'Meal days' }, domain: 'basics', unit: 'days', valueType: 'integer', kind: 'flow', appliesTo: CANTEEN, min: 0, max: 92 },

  // ── insurance ──
  { code: 'liability_insured', name: { zh: '校方责任险参保人数', en: 'School liability insurance: insured students' }, domain: 'insurance', unit: 'persons', valueType: 'integer', kind: 'stock', min: 0, max: 20000, atMost: [{ indicator: 'students_enrolled' }], better: 'higher' },
  { code: 'accident_insured', name: { zh: '学平险参保人数', en: 'Student accident insurance: insured students' }, domain: 'insurance', unit: 'persons', valueType: 'integer', kind: 'stock', min: 0, max: 20000, atMost: [{ indicator: 'students_enrolled' }], better: 'higher' },
  {
    code: 'accident_premium_collected_by_school',
    name: { zh: '学校是否代收学平险保费', en: 'School collected accident-insurance premiums' },
    domain: 'insurance', unit: 'none', valueType: 'boolean', kind: 'status', expected: false,
    help: { zh: '学平险由学生家长自愿购买，学校及教职工不得代收保费。', en: 'Parents buy it voluntarily; schools must not collect premiums.' },
  },
  { code: 'medical_insured', name: { zh: '城乡居民医保参保人数', en: 'Resident medical insurance: insured students' }, domain: 'insurance', unit: 'persons', valueType: 'integer', kind: 'stock', min: 0, max: 20000, atMost: [{ indicator: 'students_enrolled' }], better: 'higher' },
  { code: 'food_liability_insured', name: { zh: '食堂（小卖部）是否投保食品安全责任险', en: 'Canteen food-safety liability insured' }, domain: 'insurance', unit: 'none', valueType: 'boolean', kind: 'status', appliesTo: CANTEEN, expected: true },
  { code: 'interns', name: { zh: '顶岗实习学生数', en: 'Students on internship' }, domain: 'insurance', unit: 'persons', valueType: 'integer', kind: 'stock', appliesTo: VOCATIONAL, min: 0, max: 10000, atMost: [{ indicator: 'students_enrolled' }] },
  { code: 'internship_insured', name: { zh: '实习责任险参保人数', en: 'Internship liability insurance: insured interns' }, domain: 'insurance', unit: 'persons', valueType: 'integer', kind: 'stock', appliesTo: VOCATIONAL, min: 0, max: 10000, atMost: [{ indicator: 'interns' }], better: 'higher' },
  { code: 'injury_incidents', name: { zh: '学生伤害事故起数', en: 'Student injury incidents' }, domain: 'insurance', unit: 'cases', valueType: 'integer', kind: 'flow', min: 0, max: 500, better: 'lower' },
  { code: 'injury_claims_settled', name: { zh: '伤害事故理赔结案数', en: 'Injury claims settled' }, domain: 'insurance', unit: 'cases', valueType: 'integer', kind: 'flow', min: 0, max: 500 },
  { code: 'injury_claims_paid_yuan', name: { zh: '伤害事故理赔金额', en: 'Injury claims paid' }, domain: 'insurance', unit: 'yuan', valueType: 'decimal', kind: 'flow', min: 0, max: 10_000_000, reportUnit: 'wan_yuan' },
  { code: 'liability_rate', name: { zh: '校方责任险参保率', en: 'Liability insurance rate' }, domain: 'insurance', unit: 'percent', valueType: 'decimal', kind: 'derived', formula: { numerator: [{ indicator: 'liability_insured' }], denominator: [{ indicator: 'students_enrolled' }], scale: 100 }, better: 'higher' },
  { code: 'accident_rate', name: { zh: '学平险参保率', en: 'Accident insurance rate' }, domain: 'insurance', unit: 'percent', valueType: 'decimal', kind: 'derived', formula: { numerator: [{ indicator: 'accident_insured' }], denominator: [{ indicator: 'students_enrolled' }], scale: 100 }, better: 'higher' },
  { code: 'medical_rate', name: { zh: '城乡居民医保参保率', en: 'Medical insurance rate' }, domain: 'insurance', unit: 'percent', valueType: 'decimal', kind: 'derived', formula: { numerator: [{ indicator: 'medical_insured' }], denominator: [{ indicator: 'students_enrolled' }], scale: 100 }, better: 'higher' },
  { code: 'internship_rate', name: { zh: '实习责任险参保率', en: 'Internship insurance rate' }, domain: 'insurance', unit: 'percent', valueType: 'decimal', kind: 'derived', appliesTo: VOCATIONAL, formula: { numerator: [{ indicator: 'internship_insured' }], denominator: [{ indicator: 'interns' }], scale: 100 }, better: 'higher' },

  // ── energy and water ──
  { code: 'electricity_kwh', name: { zh: '用电量', en: 'Electricity used' }, domain: 'energy', unit: 'kwh', valueType: 'decimal', kind: 'flow', min: 0, max: 20_000_000, jumpPercent: 50, better: 'lower' },
  { code: 'water_m3', name: { zh: '用水量', en: 'Water used' }, domain: 'energy', unit: 'm3', valueType: 'decimal', kind: 'flow', min: 0, max: 5_000_000, jumpPercent: 50, better: 'lower' },
  { code: 'gas_m3', name: { zh: '天然气用量', en: 'Natural gas used' }, domain: 'energy', unit: 'm3', valueType: 'decimal', kind: 'flow', min: 0, max: 5_000_000, jumpPercent: 80, better: 'lower' },
  { code: 'coal_kg', name: { zh: '燃煤用量', en: 'Coal used' }, domain: 'energy', unit: 'kg', valueType: 'decimal', kind: 'flow', min: 0, max: 10_000_000, jumpPercent: 80, better: 'lower' },
  { code: 'energy_cost_yuan', name: { zh: '能源费用', en: 'Energy cost' }, domain: 'energy', unit: 'yuan', valueType: 'decimal', kind: 'flow', min: 0, max: 50_000_000, reportUnit: 'wan_yuan', better: 'lower' },
  { code: 'water_cost_yuan', name: { zh: '水费', en: 'Water cost' }, domain: 'energy', unit: 'yuan', valueType: 'decimal', kind: 'flow', min: 0, max: 20_000_000, reportUnit: 'wan_yuan', better: 'lower' },
  { code: 'water_saving_level', name: { zh: '节水型学校级别', en: 'Water-saving school level' }, domain: 'energy', unit: 'none', valueType: 'enum', kind: 'status', options: [option('none', '未获评', 'None'), ...LEVELS] },
  {
    code: 'energy_kgce', name: { zh: '综合能耗', en: 'Total energy use' }, domain: 'energy', unit: 'kgce', valueType: 'decimal', kind: 'derived', better: 'lower',
    formula: { numerator: [{ indicator: 'electricity_kwh', coal: 'electricityPerKwh' }, { indicator: 'gas_m3', coal: 'naturalGasPerM3' }, { indicator: 'coal_kg', coal: 'rawCoalPerKg' }] },
  },
  {
    code: 'energy_kgce_per_person', name: { zh: '人均综合能耗', en: 'Energy per person' }, domain: 'energy', unit: 'kgce_per_person', valueType: 'decimal', kind: 'derived', better: 'lower', peerFactor: 3,
    formula: { numerator: [{ indicator: 'electricity_kwh', coal: 'electricityPerKwh' }, { indicator: 'gas_m3', coal: 'naturalGasPerM3' }, { indicator: 'coal_kg', coal: 'rawCoalPerKg' }], denominator: PERSONS },
  },
  {
    code: 'energy_kgce_per_m2', name: { zh: '单位建筑面积能耗', en: 'Energy per m² of floor area' }, domain: 'energy', unit: 'kgce_per_m2', valueType: 'decimal', kind: 'derived', better: 'lower', peerFactor: 3,
    formula: { numerator: [{ indicator: 'electricity_kwh', coal: 'electricityPerKwh' }, { indicator: 'gas_m3', coal: 'naturalGasPerM3' }, { indicator: 'coal_kg', coal: 'rawCoalPerKg' }], denominator: [{ attribute: 'buildingAreaM2' }] },
  },
  { code: 'water_m3_per_person', name: { zh: '人均用水量', en: 'Water per person' }, domain: 'energy', unit: 'm3_per_person', valueType: 'decimal', kind: 'derived', better: 'lower', peerFactor: 3, formula: { numerator: [{ indicator: 'water_m3' }], denominator: PERSONS } },

  // ── green campus ──
  {
    code: 'green_school_status', name: { zh: '绿色学校创建状态', en: 'Green-school status' }, domain: 'green', unit: 'none', valueType: 'enum', kind: 'status',
    options: [option('none', '未启动', 'Not started'), option('planned', '已规划', 'Planned'), option('in_progress', '创建中', 'In progress'), option('applied', '已申报', 'Applied'), option('certified', '已认定', 'Certified')],
  },
  { code: 'green_school_level', name: { zh: '绿色学校认定级别', en: 'Green-school level' }, domain: 'green', unit: 'none', valueType: 'enum', kind: 'status', requiredWhen: { indicator: 'green_school_status', in: ['certified'] }, options: [...LEVELS, option('national', '国家级', 'National')] },
  { code: 'garden_unit_level', name: { zh: '园林式单位级别', en: 'Garden-unit level' }, domain: 'green', unit: 'none', valueType: 'enum', kind: 'status', options: [option('none', '未获评', 'None'), ...LEVELS] },
  { code: 'greening_investment_yuan', name: { zh: '绿化投入资金', en: 'Greening investment' }, domain: 'green', unit: 'yuan', valueType: 'decimal', kind: 'flow', min: 0, max: 100_000_000, reportUnit: 'wan_yuan', better: 'higher' },
  { code: 'plants_planted', name: { zh: '新植花草树木', en: 'Plants and trees planted' }, domain: 'green', unit: 'plants', valueType: 'integer', kind: 'flow', min: 0, max: 1_000_000, reportUnit: 'wan_plants', better: 'higher' },
  { code: 'green_area_added_m2', name: { zh: '新增绿地面积', en: 'Green area added' }, domain: 'green', unit: 'm2', valueType: 'decimal', kind: 'flow', min: 0, max: 1_000_000, reportUnit: 'mu', better: 'higher', atMost: [{ attribute: 'siteAreaM2' }] },
  { code: 'green_area_total_m2', name: { zh: '绿地总面积', en: 'Total green area' }, domain: 'green', unit: 'm2', valueType: 'decimal', kind: 'stock', min: 0, max: 5_000_000, reportUnit: 'mu', atMost: [{ attribute: 'siteAreaM2' }], jumpPercent: 50 },
  { code: 'greening_rate', name: { zh: '绿地率', en: 'Greening rate' }, domain: 'green', unit: 'percent', valueType: 'decimal', kind: 'derived', better: 'higher', formula: { numerator: [{ indicator: 'green_area_total_m2' }], denominator: [{ attribute: 'siteAreaM2' }], scale: 100 } },

  // ── canteen ──
  { code: 'canteen_operation', name: { zh: '食堂经营方式', en: 'Canteen operation' }, domain: 'canteen', unit: 'none', valueType: 'enum', kind: 'status', appliesTo: CANTEEN, options: [option('self_run', '自营', 'Self-run'), option('contracted', '承包经营', 'Contracted'), option('catered', '校外供餐', 'Catered'), option('none', '无', 'None')] },
  { code: 'food_safety_grade', name: { zh: '食品安全量化等级', en: 'Food-safety grade' }, domain: 'canteen', unit: 'none', valueType: 'enum', kind: 'status', appliesTo: CANTEEN, options: [option('A', 'A级（优秀）', 'A'), option('B', 'B级（良好）', 'B'), option('C', 'C级（一般）', 'C'), option('none', '未评级', 'Not graded')] },
  { code: 'food_safety_grade_date', name: { zh: '量化等级评定日期', en: 'Grade date' }, domain: 'canteen', unit: 'none', valueType: 'date', kind: 'status', appliesTo: CANTEEN, requiredWhen: { indicator: 'food_safety_grade', in: ['A', 'B', 'C'] }, maxAgeMonths: 12 },
  { code: 'assured_canteen_status', name: { zh: '放心食堂创建', en: 'Assured-canteen status' }, domain: 'canteen', unit: 'none', valueType: 'enum', kind: 'status', appliesTo: CANTEEN, options: [option('none', '未申报', 'None'), option('applied', '已申报', 'Applied'), option('accepted', '已验收', 'Accepted')] },
  { code: 'open_kitchen', name: { zh: '是否实现明厨亮灶', en: 'Open kitchen' }, domain: 'canteen', unit: 'none', valueType: 'boolean', kind: 'status', appliesTo: CANTEEN, expected: true },
  { code: 'canteen_staff', name: { zh: '食堂从业人员数', en: 'Canteen staff' }, domain: 'canteen', unit: 'persons', valueType: 'integer', kind: 'stock', appliesTo: CANTEEN, min: 0, max: 500 },
  { code: 'canteen_staff_certified', name: { zh: '持有效健康证人数', en: 'Staff with health certificates' }, domain: 'canteen', unit: 'persons', valueType: 'integer', kind: 'stock', appliesTo: CANTEEN, min: 0, max: 500, atMost: [{ indicator: 'canteen_staff' }], better: 'higher' },
  { code: 'accompany_meal_days', name: { zh: '校领导陪餐天数', en: 'Days a leader ate with students' }, domain: 'canteen', unit: 'days', valueType: 'integer', kind: 'flow', appliesTo: CANTEEN, min: 0, max: 92, atMost: [{ indicator: 'meal_days' }], better: 'higher' },
  { code: 'sample_retention_compliant', name: { zh: '是否按规定留样', en: 'Food samples retained as required' }, domain: 'canteen', unit: 'none', valueType: 'boolean', kind: 'status', appliesTo: CANTEEN, expected: true, help: { zh: '每餐每样不少于125克、保存48小时以上。', en: 'At least 125 g of every dish, kept 48 hours or more.' } },
  { code: 'inspections', name: { zh: '接受检查次数', en: 'Inspections received' }, domain: 'canteen', unit: 'times', valueType: 'integer', kind: 'flow', appliesTo: CANTEEN, min: 0, max: 500 },
  { code: 'issues_found', name: { zh: '发现问题数', en: 'Problems found' }, domain: 'canteen', unit: 'cases', valueType: 'integer', kind: 'flow', appliesTo: CANTEEN, min: 0, max: 1000, better: 'lower' },
  { code: 'issues_rectified', name: { zh: '已整改问题数', en: 'Problems rectified' }, domain: 'canteen', unit: 'cases', valueType: 'integer', kind: 'flow', appliesTo: CANTEEN, min: 0, max: 1000, atMost: [{ indicator: 'issues_found' }], better: 'higher' },
  { code: 'food_incidents', name: { zh: '食品安全事故起数', en: 'Food-safety incidents' }, domain: 'canteen', unit: 'cases', valueType: 'integer', kind: 'flow', appliesTo: CANTEEN, min: 0, max: 100, better: 'lower' },
  { code: 'health_cert_rate', name: { zh: '从业人员健康证持证率', en: 'Health-certificate rate' }, domain: 'canteen', unit: 'percent', valueType: 'decimal', kind: 'derived', appliesTo: CANTEEN, better: 'higher', formula: { numerator: [{ indicator: 'canteen_staff_certified' }], denominator: [{ indicator: 'canteen_staff' }], scale: 100 } },
  { code: 'rectification_rate', name: { zh: '问题整改率', en: 'Rectification rate' }, domain: 'canteen', unit: 'percent', valueType: 'decimal', kind: 'derived', appliesTo: CANTEEN, better: 'higher', formula: { numerator: [{ indicator: 'issues_rectified' }], denominator: [{ indicator: 'issues_found' }], scale: 100 } },
  { code: 'accompany_meal_rate', name: { zh: '陪餐率', en: 'Accompanied-meal rate' }, domain: 'canteen', unit: 'percent', valueType: 'decimal', kind: 'derived', appliesTo: CANTEEN, better: 'higher', formula: { numerator: [{ indicator: 'accompany_meal_days' }], denominator: [{ indicator: 'meal_days' }], scale: 100 } },
];

const BY_CODE = new Map(INDICATORS.map((i) => [i.code, i]));

export function indicator(code: string): Indicator {
  const found = BY_CODE.get(code);
  if (!found) throw new RangeError(`未知指标：${code}`);
  return found;
}

export function findIndicator(code: string): Indicator | undefined {
  return BY_CODE.get(code);
}

export function applies(ind: Indicator, school: { type: SchoolType; hasCanteen: boolean }): boolean {
  const rule = ind.appliesTo;
  if (!rule) return true;
  if (rule.types && !rule.types.includes(school.type)) return false;
  if (rule.canteen && !school.hasCanteen) return false;
  return true;
}

/** The indicators a school fills in (derived ones are computed), in catalogue order. */
export function inputIndicatorsFor(school: { type: SchoolType; hasCanteen: boolean }): Indicator[] {
  return INDICATORS.filter((i) => i.kind !== 'derived' && applies(i, school));
}
