import { describe, expect, it } from 'vitest';
import { changePercent, deadlineOf, isPeriod, periodEndDate, periodLabel, periodOf, quartersOfYear, sameQuarterLastYear, shiftPeriod } from '../src/index.js';

describe('periods', () => {
  it('parses and moves by quarters across years', () => {
    expect(isPeriod('2026Q4')).toBe(true);
    expect(isPeriod('2026Q5')).toBe(false);
    expect(shiftPeriod('2026Q1', -1)).toBe('2025Q4');
    expect(shiftPeriod('2025Q4', 1)).toBe('2026Q1');
    expect(sameQuarterLastYear('2026Q2')).toBe('2025Q2');
    expect(quartersOfYear(2026, 3)).toEqual(['2026Q1', '2026Q2', '2026Q3']);
  });

  it('knows quarter ends, leap years included', () => {
    expect(periodEndDate('2024Q1')).toBe('2024-03-31');
    expect(periodEndDate('2026Q2')).toBe('2026-06-30');
    expect(periodEndDate('2026Q4')).toBe('2026-12-31');
  });

  it('puts the deadline at the end of the 15th day after the quarter, China time', () => {
    const deadline = deadlineOf('2026Q1', 15);
    expect(deadline.toISOString()).toBe('2026-04-15T15:59:59.999Z');
    expect(periodOf(new Date('2026-03-31T16:30:00Z'))).toBe('2026Q2');
  });

  it('labels quarters the way reports write them', () => {
    expect(periodLabel('2026Q3')).toBe('2026年第三季度');
    expect(periodLabel('2026Q3', 'en')).toBe('Q3 2026');
  });

  it('computes year-on-year change', () => {
    expect(changePercent(88, 100)).toBeCloseTo(-12);
    expect(changePercent(5, 0)).toBeNull();
  });
});
