import { z } from 'zod';
import type { Label } from './labels.js';
import { visibleName } from './text.js';

/** School types used in education statistics (教育统计), with the 2-digit category that opens the school identifier. */
export const SCHOOL_TYPES = ['kindergarten', 'primary', 'junior', 'nine_year', 'complete_secondary', 'senior', 'twelve_year', 'vocational', 'special'] as const;
export type SchoolType = (typeof SCHOOL_TYPES)[number];

export const SCHOOL_TYPE_LABELS: Record<SchoolType, Label> = {
  kindergarten: { zh: '幼儿园', en: 'Kindergarten' },
  primary: { zh: '小学', en: 'Primary school' },
  junior: { zh: '初级中学', en: 'Junior secondary' },
  nine_year: { zh: '九年一贯制学校', en: 'Nine-year school' },
  complete_secondary: { zh: '完全中学', en: 'Complete secondary' },
  senior: { zh: '高级中学', en: 'Senior secondary' },
  twelve_year: { zh: '十二年一贯制学校', en: 'Twelve-year school' },
  vocational: { zh: '中等职业学校', en: 'Secondary vocational' },
  special: { zh: '特殊教育学校', en: 'Special education' },
};

/** First two digits of the 10-digit school identifier (学校标识码) for each type. */
export const SCHOOL_CATEGORY_CODE: Record<SchoolType, string> = {
  kindergarten: '11',
  primary: '21',
  junior: '31',
  nine_year: '31',
  complete_secondary: '34',
  senior: '34',
  twelve_year: '34',
  vocational: '36',
  special: '51',
};

export const OWNERSHIPS = ['public', 'private'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];
export const OWNERSHIP_LABELS: Record<Ownership, Label> = {
  public: { zh: '公办', en: 'Public' },
  private: { zh: '民办', en: 'Private' },
};

export const LOCATIONS = ['urban', 'town', 'rural'] as const;
export type Location = (typeof LOCATIONS)[number];
export const LOCATION_LABELS: Record<Location, Label> = {
  urban: { zh: '城区', en: 'Urban' },
  town: { zh: '镇区', en: 'Town' },
  rural: { zh: '乡村', en: 'Rural' },
};

/**
 * Checks a school identifier: 10 digits = 2-digit category + 2-digit province + 6-digit sequence.
 * Returns a Chinese message naming the rule, or null when the code fits the type and the county's province.
 */
export function schoolCodeProblem(code: string, type: SchoolType, countyCode: string): string | null {
  if (!/^\d{10}$/.test(code)) return '学校标识码必须是10位数字。';
  const category = SCHOOL_CATEGORY_CODE[type];
  if (code.slice(0, 2) !== category) {
    return `学校标识码前两位应为办学类型代码${category}（${SCHOOL_TYPE_LABELS[type].zh}）。`;
  }
  const province = countyCode.slice(0, 2);
  if (code.slice(2, 4) !== province) return `学校标识码第3–4位应为所在省份代码${province}。`;
  return null;
}

const area = (name: string) =>
  z
    .number({ error: `${name}必须是数字。` })
    .finite(`${name}必须是有限的数字。`)
    .positive(`${name}必须大于0。`)
    .max(10_000_000, `${name}不能超过10,000,000平方米。`);

/** A mainland mobile number: 11 digits, 1 then 3–9. */
export const MOBILE_PHONE = /^1[3-9]\d{9}$/;
export const CONTACT_NAME_MAX = 20;

/** Blank text (a cleared form field, an empty cell) reads as “none”. */
const blankAsNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

/** The principal (or logistics contact) the roster names, and a mobile number; both optional. */
export const contactName = z.preprocess(
  blankAsNull,
  visibleName(z.string().trim().max(CONTACT_NAME_MAX, `校长（联系人）姓名不能超过${CONTACT_NAME_MAX}个字。`), '校长（联系人）姓名').nullable(),
);
export const contactPhone = z.preprocess(
  (value) => (typeof value === 'string' ? blankAsNull(value.replace(/[\s-]/g, '')) : value),
  z.string().regex(MOBILE_PHONE, '联系电话应为11位手机号码（1开头，第二位为3–9），如 13812345678。').nullable(),
);

/** The fields of a school a bureau admin edits; one schema for the form and the procedure. */
export const schoolFields = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{10}$/, '学校标识码必须是10位数字。'),
  name: visibleName(z.string().trim().min(2, '学校名称至少2个字。').max(60, '学校名称不能超过60个字。'), '学校名称'),
  type: z.enum(SCHOOL_TYPES, { error: '请选择办学类型。' }),
  ownership: z.enum(OWNERSHIPS, { error: '请选择办学性质（公办或民办）。' }),
  location: z.enum(LOCATIONS, { error: '请选择城乡分类（城区、镇区或乡村）。' }),
  boarding: z.boolean({ error: '是否寄宿制必须为是或否。' }),
  buildingAreaM2: area('校舍建筑面积'),
  siteAreaM2: area('占地面积'),
  hasCanteen: z.boolean({ error: '是否有食堂必须为是或否。' }),
  townshipId: z.number().int().positive().nullable().optional(),
  contactName: contactName.optional(),
  contactPhone: contactPhone.optional(),
});
export type SchoolFields = z.infer<typeof schoolFields>;

export const schoolCreateInput = schoolFields.extend({
  countyId: z.number({ error: '请选择所属县（市、区）。' }).int().positive(),
});
export type SchoolCreateInput = z.infer<typeof schoolCreateInput>;

export const schoolUpdateInput = schoolFields.partial().extend({
  schoolId: z.number().int().positive(),
  active: z.boolean().optional(),
});
export type SchoolUpdateInput = z.infer<typeof schoolUpdateInput>;
