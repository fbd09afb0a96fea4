import type { Indicator } from './types.js';

export type IndicatorValue = number | string | boolean | null;
export type ReportValues = Record<string, IndicatorValue>;

export type Coerced = { ok: true; value: IndicatorValue } | { ok: false; message: string };

/** Full-width digits and punctuation (as typed with a Chinese IME) become ASCII. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const TRUE_WORDS = new Set(['true', '是', 'yes', 'y', '1', '有']);
const FALSE_WORDS = new Set(['false', '否', 'no', 'n', '0', '无']);

/**
 * Turns what a form, an API call or a spreadsheet cell holds into the indicator's value type.
 * Tolerates numbers stored as text, full-width digits and thousands separators; names the indicator and
 * the expected type when it cannot.
 */
export function coerceValue(ind: Indicator, raw: unknown): Coerced {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const text = typeof raw === 'string' ? toHalfWidth(raw).trim() : null;
  if (text === '') return { ok: true, value: null };
  const name = ind.name.zh;
  switch (ind.valueType) {
    case 'integer':
    case 'decimal': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (text !== null && /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(text.replace(/\s/g, ''))) {
        n = Number(text.replace(/[,\s]/g, ''));
      } else return { ok: false, message: `${name}必须是数字。` };
      if (!Number.isFinite(n)) return { ok: false, message: `${name}必须是有限的数字。` };
      if (ind.valueType === 'integer' && !Number.isInteger(n)) return { ok: false, message: `${name}必须是整数。` };
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const word = text?.toLowerCase();
      if (word !== undefined && TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (word !== undefined && FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, message: `${name}只能填“是”或“否”。` };
    }
    case 'enum': {
      const option = ind.options?.find((o) => o.value === text || toHalfWidth(o.label.zh) === text || o.label.en === text);
      if (!option) {
        return { ok: false, message: `${name}只能是：${(ind.options ?? []).map((o) => o.label.zh).join('、')}。` };
      }
      return { ok: true, value: option.value };
    }
    case 'text':
      return coerceText(ind, raw);
    case 'date': {
      const iso = raw instanceof Date && !Number.isNaN(raw.getTime()) ? raw.toISOString().slice(0, 10) : text?.replace(/[/.年月]/g, '-').replace(/日$/, '');
      const match = iso ? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(iso) : null;
      if (!match) return { ok: false, message: `${name}必须是日期（如 2026-03-15）。` };
      const normal = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
      const date = new Date(`${normal}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== normal) {
        return { ok: false, message: `${name}不是有效的日期：${text ?? String(raw)}。` };
      }
      return { ok: true, value: normal };
    }
  }
}

/**
 * A school's own words (a note): kept as typed (full-width punctuation stays), trimmed, line breaks normalised,
 * control characters dropped, at most the catalogue's length in characters (not bytes: 500 字 is 500 Chinese characters).
 */
function coerceText(ind: Indicator, raw: unknown): Coerced {
  const name = ind.name.zh;
  if (typeof raw !== 'string') return { ok: false, message: `${name}必须是文字。` };
  const text = raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .trim();
  if (text === '') return { ok: true, value: null };
  const length = [...text].length;
  if (ind.maxLength !== undefined && length > ind.maxLength) {
    return { ok: false, message: `${name}不能超过${ind.maxLength}字，现为${length}字，请精简。` };
  }
  return { ok: true, value: text };
}

/**
 * The values that differ between two versions of a report, before and after (a code absent on one side is null
 * there): what a report's history records for a save or an import.
 */
export function changedValues(before: ReportValues, after: ReportValues): { before: ReportValues; after: ReportValues } {
  const codes = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((c) => before[c] !== after[c]);
  return {
    before: Object.fromEntries(codes.map((c) => [c, before[c] ?? null])),
    after: Object.fromEntries(codes.map((c) => [c, after[c] ?? null])),
  };
}
