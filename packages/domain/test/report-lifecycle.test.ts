import { describe, expect, it } from 'vitest';
import { AppError, assertPeriod, changedValues, editorOf, isEditable, isLate, REPORT_TRANSITIONS } from '../src/index.js';

describe('report lifecycle', () => {
  it('lets the school edit drafts and returned reports, the bureau submitted ones too, nobody an approved one', () => {
    expect(['draft', 'returned', 'submitted', 'approved'].filter((s) => isEditable(s as never, 'school'))).toEqual(['draft', 'returned']);
    expect(['draft', 'returned', 'submitted', 'approved'].filter((s) => isEditable(s as never, 'bureau'))).toEqual(['draft', 'returned', 'submitted']);
    expect(editorOf('principal')).toBe('school');
    expect(editorOf('bureau_officer')).toBe('bureau');
    expect(editorOf('system_admin')).toBe('bureau');
  });

  it('moves a report only along its transitions; review is the overseers’', () => {
    expect(REPORT_TRANSITIONS.submit).toMatchObject({ from: ['draft', 'returned'], to: 'submitted', overseersOnly: false });
    expect(REPORT_TRANSITIONS.reopen).toMatchObject({ from: ['approved'], to: 'returned', overseersOnly: true });
  });

  it('decides lateness by the first submission, or by the deadline while none was made', () => {
    const deadline = new Date('2026-04-15T16:00:00Z');
    const after = new Date('2026-04-20T00:00:00Z');
    expect(isLate(undefined, deadline, after)).toBe(true);
    expect(isLate({ submittedAt: new Date('2026-04-10T00:00:00Z'), late: false }, deadline, after)).toBe(false);
    expect(isLate({ submittedAt: null, late: false }, deadline, new Date('2026-04-01T00:00:00Z'))).toBe(false);
  });
});

describe('assertPeriod and changedValues', () => {
  it('refuses a malformed period with BAD_REQUEST on the period field', () => {
    expect(() => assertPeriod('2026Q1')).not.toThrow();
    expect(() => assertPeriod('2026-1')).toThrow(AppError);
    try {
      assertPeriod('2026-1');
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'period', message: '季度格式应为“2026Q1”，收到“2026-1”。' });
    }
  });

  it('lists only the values that differ, a missing side as null', () => {
    expect(changedValues({ a: 1, b: 2, c: 'x' }, { a: 1, b: 3, d: true })).toEqual({ before: { b: 2, c: 'x', d: null }, after: { b: 3, c: null, d: true } });
  });
});
