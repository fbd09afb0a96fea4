import { z } from 'zod';
import type { Label } from './labels.js';
import { visibleName } from './text.js';

/**
 * The administrative hierarchy: province → prefecture-level city → county (县/县级市/区) → optional township.
 * Codes follow GB/T 2260: 2 digits province + 2 prefecture + 2 county; a township adds 3 digits.
 */
export const ORG_LEVELS = ['province', 'city', 'county', 'township'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

export const ORG_LEVEL_LABELS: Record<OrgLevel, Label> = {
  province: { zh: '省', en: 'Province' },
  city: { zh: '市', en: 'City' },
  county: { zh: '县（市、区）', en: 'County' },
  township: { zh: '乡镇', en: 'Township' },
};

const PARENT_LEVEL: Record<OrgLevel, OrgLevel | null> = {
  province: null,
  city: 'province',
  county: 'city',
  township: 'county',
};

export function parentLevelOf(level: OrgLevel): OrgLevel | null {
  return PARENT_LEVEL[level];
}

/**
 * Checks a division code against its level and its parent's code. Returns a Chinese message, or null when valid.
 * A province code ends in 0000, a city code in 00 and shares the province's first 2 digits, a county code shares
 * the city's first 4, a township code is 9 digits starting with its county's 6.
 */
export function divisionCodeProblem(level: OrgLevel, code: string, parentCode: string | null): string | null {
  const expectedParent = PARENT_LEVEL[level];
  if (expectedParent === null && parentCode !== null) return '省级单位不能有上级单位。';
  if (expectedParent !== null && parentCode === null) return `${ORG_LEVEL_LABELS[level].zh}必须有上级单位。`;
  const digits = level === 'township' ? 9 : 6;
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) {
    return `行政区划代码必须是${digits}位数字（GB/T 2260）。`;
  }
  switch (level) {
    case 'province':
      if (!code.endsWith('0000') || code.startsWith('00')) return '省级行政区划代码应为“前两位省码 + 0000”。';
      return null;
    case 'city':
      if (!code.endsWith('00') || code.slice(2, 4) === '00') return '市级行政区划代码应为“省码 + 两位市码 + 00”。';
      if (code.slice(0, 2) !== parentCode!.slice(0, 2)) return '市级行政区划代码的前两位必须与所属省一致。';
      return null;
    case 'county':
      if (code.slice(4, 6) === '00') return '县级行政区划代码的后两位不能为00。';
      if (code.slice(0, 4) !== parentCode!.slice(0, 4)) return '县级行政区划代码的前四位必须与所属市一致。';
      return null;
    case 'township':
      if (code.slice(0, 6) !== parentCode) return '乡镇代码的前六位必须与所属县一致。';
      return null;
  }
}

export const orgUnitInput = z.object({
  parentId: z.number().int().positive().nullable(),
  level: z.enum(ORG_LEVELS, { error: '级别必须是省、市、县或乡镇之一。' }),
  code: z
    .string()
    .trim()
    .regex(/^\d{6}(\d{3})?$/, '行政区划代码必须是6位（乡镇为9位）数字。'),
  name: visibleName(z.string().trim().min(1, '名称不能为空。').max(60, '名称不能超过60个字。'), '单位名称'),
});
export type OrgUnitInput = z.infer<typeof orgUnitInput>;
