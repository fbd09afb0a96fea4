import { describe, expect, it } from 'vitest';
import { divisionCodeProblem, parentLevelOf } from '../src/index.js';

describe('divisionCodeProblem (GB/T 2260)', () => {
  it('accepts a consistent province, city, county and township chain', () => {
    expect(divisionCodeProblem('province', '510000', null)).toBeNull();
    expect(divisionCodeProblem('city', '511600', '510000')).toBeNull();
    expect(divisionCodeProblem('county', '511681', '511600')).toBeNull();
    expect(divisionCodeProblem('township', '511681100', '511681')).toBeNull();
  });

  it('refuses codes of the wrong length or shape', () => {
    expect(divisionCodeProblem('county', '51168', '511600')).toContain('6位数字');
    expect(divisionCodeProblem('township', '511681', '511681')).toContain('9位数字');
    expect(divisionCodeProblem('province', '511600', null)).toContain('0000');
    expect(divisionCodeProblem('city', '510001', '510000')).toContain('00');
    expect(divisionCodeProblem('county', '511600', '511600')).toContain('后两位');
  });

  it('refuses a code that does not sit under its parent', () => {
    expect(divisionCodeProblem('city', '521600', '510000')).toContain('前两位');
    expect(divisionCodeProblem('county', '511781', '511600')).toContain('前四位');
    expect(divisionCodeProblem('township', '511682100', '511681')).toContain('前六位');
  });

  it('requires a parent below province and none at province', () => {
    expect(divisionCodeProblem('province', '510000', '110000')).toContain('不能有上级');
    expect(divisionCodeProblem('county', '511681', null)).toContain('必须有上级');
    expect(parentLevelOf('township')).toBe('county');
    expect(parentLevelOf('province')).toBeNull();
  });
});
