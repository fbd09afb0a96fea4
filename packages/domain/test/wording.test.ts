import { describe, expect, it } from 'vitest';
import { chineseNumber, listJoin, namesWithCount, partialYear, sentence, whenAny, zhNumbers as n } from '../src/index.js';

describe('numbers in official-document style', () => {
  it('writes the figures seed 003 quotes', () => {
    expect(n.count(53694)).toBe('53694');
    expect(n.percent(100)).toBe('100%');
    expect(n.percent((45337 / 47275) * 100)).toBe('95.9%');
    expect(n.yuan(1_080_000)).toBe('108万元');
    expect(n.plants(187_700)).toBe('18.77万株');
    expect(n.mu(80 * (10_000 / 15))).toBe('80亩');
  });

  it('keeps small amounts in their own unit and trims zeros', () => {
    expect(n.yuan(8600)).toBe('8600元');
    expect(n.yuan(12_345.678)).toBe('1.23万元');
    expect(n.plants(860)).toBe('860株');
    expect(n.kwh(1_253_000)).toBe('125.3万千瓦时');
    expect(n.cubicMetres(950.4)).toBe('950立方米');
    expect(n.trimmed(0.1 + 0.2)).toBe('0.3');
    expect(n.trimmed(-0.0001)).toBe('0');
    expect(n.percent(99.96)).toBe('100%');
    expect(n.percent(12.04)).toBe('12%');
  });

  it('words a change on last year', () => {
    expect(n.change(-12)).toBe('降低12%');
    expect(n.change(3.46)).toBe('增长3.5%');
    expect(n.change(0.04)).toBe('持平');
  });

  it('refuses to write a number that is not one', () => {
    expect(() => n.percent(Number.NaN)).toThrow(RangeError);
  });
});

describe('sentences', () => {
  it('joins lists and names the Chinese way', () => {
    expect(listJoin([])).toBe('');
    expect(listJoin(['甲'])).toBe('甲');
    expect(listJoin(['甲', '乙', '丙'])).toBe('甲、乙和丙');
    expect(namesWithCount(['甲小学'])).toBe('甲小学');
    expect(namesWithCount(['甲小学', '乙小学'])).toBe('甲小学、乙小学共2所学校');
    expect(namesWithCount(['甲', '乙', '丙', '丁', '戊'])).toBe('甲、乙、丙等5所学校');
  });

  it('drops clauses about nothing, and a sentence with no clause left', () => {
    expect(whenAny(0, (k) => `${k}所学校`)).toBeNull();
    expect(sentence(['全县共有71所学校', whenAny(0, (k) => `${k}所未报送`), '参保率100%'])).toBe('全县共有71所学校，参保率100%。');
    expect(sentence([null, false, ''])).toBeNull();
  });

  it('numbers headings and partial years', () => {
    expect([1, 3, 10, 12, 20, 21].map(chineseNumber)).toEqual(['一', '三', '十', '十二', '二十', '二十一']);
    expect(partialYear(3)).toBe('前三季度');
    expect(partialYear(4)).toBe('');
  });
});
