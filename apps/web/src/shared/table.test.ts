import { describe, expect, it } from 'vitest';
import { compareCells } from './table';

describe('table sorting', () => {
  it('orders numbers by value, not as text', () => {
    expect([10, 9, 100].sort(compareCells)).toEqual([9, 10, 100]);
  });

  it('orders Chinese names by pinyin and codes numerically', () => {
    expect(['青石县实验小学', '白鹤镇中心小学', '龙泉镇中心小学'].sort(compareCells)).toEqual(['白鹤镇中心小学', '龙泉镇中心小学', '青石县实验小学']);
    expect(['2151992110', '2151992108', '1151992113'].sort(compareCells)).toEqual(['1151992113', '2151992108', '2151992110']);
  });

  it('puts blanks last and orders dates in time', () => {
    expect([null, 3, undefined, 1].sort(compareCells)).toEqual([1, 3, null, undefined]);
    const early = new Date('2026-01-01');
    const late = new Date('2026-06-01');
    expect([late, early].sort(compareCells)).toEqual([early, late]);
  });
});
