import { describe, expect, it } from 'vitest';
import { schoolCodeProblem, schoolCreateInput, SCHOOL_TYPES, SCHOOL_CATEGORY_CODE } from '../src/index.js';

describe('schoolCodeProblem', () => {
  it('accepts a code whose category and province fit', () => {
    expect(schoolCodeProblem('2151000123', 'primary', '511681')).toBeNull();
    expect(schoolCodeProblem('3651000001', 'vocational', '511681')).toBeNull();
  });

  it('names the expected category for every type', () => {
    for (const type of SCHOOL_TYPES) {
      const wrong = SCHOOL_CATEGORY_CODE[type] === '99' ? '98' : '99';
      expect(schoolCodeProblem(`${wrong}51000001`, type, '511681')).toContain(SCHOOL_CATEGORY_CODE[type]);
    }
  });

  it('refuses a code from another province, or not 10 digits', () => {
    expect(schoolCodeProblem('2152000123', 'primary', '511681')).toContain('省份代码51');
    expect(schoolCodeProblem('215100012', 'primary', '511681')).toContain('10位');
    expect(schoolCodeProblem('21510001２3', 'primary', '511681')).toContain('10位');
  });
});

describe('schoolCreateInput', () => {
  const valid = {
    countyId: 1,
    code: '2151000123',
    name: '青石县实验小学',
    type: 'primary',
    ownership: 'public',
    location: 'urban',
    boarding: false,
    buildingAreaM2: 12000,
    siteAreaM2: 30000,
    hasCanteen: true,
  };

  it('accepts a complete school', () => {
    expect(schoolCreateInput.parse(valid).name).toBe('青石县实验小学');
  });

  it('names the field and rule for bad values', () => {
    const result = schoolCreateInput.safeParse({ ...valid, buildingAreaM2: -5, type: 'college' });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('buildingAreaM2: 校舍建筑面积必须大于0。');
    expect(messages).toContain('type: 请选择办学类型。');
  });

  it('refuses non-finite areas', () => {
    expect(schoolCreateInput.safeParse({ ...valid, siteAreaM2: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(schoolCreateInput.safeParse({ ...valid, siteAreaM2: Number.NaN }).success).toBe(false);
  });
});
