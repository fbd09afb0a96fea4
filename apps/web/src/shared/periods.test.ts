import { describe, expect, it } from 'vitest';
import { recentPeriods, reportingPeriod } from './periods';

describe('quarters on the pages', () => {
  it('asks schools for the quarter that ended last, in China time', () => {
    expect(reportingPeriod(new Date('2026-11-24T12:00:00+08:00'))).toBe('2026Q3');
    expect(reportingPeriod(new Date('2026-12-31T23:30:00+08:00'))).toBe('2026Q3');
    // 16:30 UTC on New Year's Eve is already 1 January in China.
    expect(reportingPeriod(new Date('2026-12-31T16:30:00Z'))).toBe('2026Q4');
  });

  it('lists recent quarters oldest first, across a year boundary', () => {
    expect(recentPeriods('2026Q1', 3)).toEqual(['2025Q3', '2025Q4', '2026Q1']);
    expect(recentPeriods('2026Q3', 8)).toHaveLength(8);
    expect(recentPeriods('2026Q3', 8)[0]).toBe('2024Q4');
  });
});
