import { INT4_MAX, isPeriod, type Period, type Quarter } from '@oversight/domain';
import { z } from 'zod';

/**
 * The input pieces every area shares, declared once: tRPC procedures use them as they are, the HTTP file routes
 * through `fromQuery` (query strings carry digits as text). Messages are Chinese and name the thing asked for.
 */

/** A record id: a PostgreSQL integer above zero; a larger one is refused as input, never sent to a query. */
export const idInput = (name: string) =>
  z
    .number({ error: `${name}必须是数字。` })
    .int(`${name}无效。`)
    .positive(`${name}无效。`)
    .max(INT4_MAX, `${name}无效。`);

export const schoolIdInput = idInput('学校编号');
export const countyIdInput = idInput('县（市、区）编号');
export const unitIdInput = idInput('单位编号');

export const yearInput = z.number({ error: '年度必须是数字。' }).int('年度必须是整数。').min(2000, '年度不能早于2000年。').max(2100, '年度不能晚于2100年。');

export const quarterInput = z
  .number({ error: '季度必须是数字。' })
  .int('季度只能是1、2、3或4。')
  .min(1, '季度只能是1、2、3或4。')
  .max(4, '季度只能是1、2、3或4。')
  .transform((q) => q as Quarter);

export const periodInput = z
  .string({ error: '季度格式应为“2026Q1”。' })
  .refine(isPeriod, '季度格式应为“2026Q1”。')
  .transform((p) => p as Period);

/** A record's version as the caller last saw it (0: not created yet). */
export const versionInput = z.number({ error: '版本号必须是数字。' }).int('版本号无效。').min(0, '版本号无效。').max(INT4_MAX, '版本号无效。');

export const indicatorInput = z.string({ error: '请选择指标。' }).trim().min(1, '请选择指标。').max(60, '指标代码过长。');

export const schoolPeriodInput = z.object({ schoolId: schoolIdInput, period: periodInput });
export const countyPeriodInput = z.object({ countyId: countyIdInput, period: periodInput });
export const countyYearInput = z.object({ countyId: countyIdInput, year: yearInput });

/** The same schema read from a query string: whole numbers arrive as digits, "1"/"0" as yes/no. */
export function fromQuery<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess((raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    return Object.fromEntries(
      Object.entries(raw).map(([key, value]) => {
        const field = shape[key] as z.ZodType | undefined;
        if (typeof value !== 'string' || !field) return [key, value];
        if (/^\d{1,15}$/.test(value) && accepts(field, 0)) return [key, Number(value)];
        if ((value === '1' || value === '0') && accepts(field, true)) return [key, value === '1'];
        return [key, value];
      }),
    );
  }, z.object(shape));
}

/** Whether a field takes values of this kind (numbers, booleans), so a query string's text is converted for it. */
function accepts(field: z.ZodType, sample: number | boolean): boolean {
  const issues = field.safeParse(sample).error?.issues ?? [];
  return !issues.some((i) => i.code === 'invalid_type');
}
