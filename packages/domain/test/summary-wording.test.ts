import { describe, expect, it } from 'vitest';
import { areaSubject, asOf, headingNumber, zhNumbers as n } from '../src/index.js';

describe('wording added for the annual summary', () => {
  it('never writes a rate short of 100% as “100%”, nor one above 0 as “0%”', () => {
    expect(n.rate(100)).toBe('100%');
    expect(n.rate(99.96)).toBe('99.9%');
    expect(n.rate(99.87)).toBe('99.9%');
    expect(n.rate(95.94)).toBe('95.9%');
    expect(n.rate(0.04)).toBe('不足0.1%');
    expect(n.rate(0)).toBe('0%');
  });

  it('writes energy in 吨标准煤 from one tonne on', () => {
    expect(n.kgce(281_740)).toBe('281.74吨标准煤');
    expect(n.kgce(860.5)).toBe('860.5千克标准煤');
    expect(n.withUnit(27.4149, '千克标准煤/人')).toBe('27.41千克标准煤/人');
  });

  it('numbers headings the GB/T 9704 way', () => {
    expect([headingNumber(0, 2), headingNumber(1, 3), headingNumber(2, 4), headingNumber(3, 1)]).toEqual(['二、', '（三）', '4.', '（1）']);
  });

  it('says when and where the summary speaks of', () => {
    expect(asOf(2026, 4)).toBe('2026年');
    expect(asOf(2026, 3)).toBe('2026年前三季度');
    expect(asOf(2026, 2)).toBe('2026年上半年');
    expect(asOf(2026, 1)).toBe('2026年第一季度');
    expect(areaSubject('青石县', 'county')).toBe('全县');
    expect(areaSubject('华蓥市', 'county')).toBe('全市');
    expect(areaSubject('青羊区', 'county')).toBe('全区');
    expect(areaSubject('广安市', 'city')).toBe('全市');
  });
});
