import { describe, expect, it } from 'vitest';
import { EVIDENCE_INDICATORS, evidenceFindings, evidenceNeeded, evidenceRequiredFor, type Indicator, type IndicatorValue } from '../src/index.js';

/** Every catalogue entry that asks for evidence, generated from its own rule: a value that needs a file, one that does not. */
const school = (ind: Indicator) => ({ type: ind.appliesTo?.types?.[0] ?? ('primary' as const), hasCanteen: true });
const needing = (ind: Indicator): IndicatorValue => {
  const when = ind.evidence!.when;
  return 'above' in when ? when.above + 1 : when.in[0]!;
};
const notNeeding = (ind: Indicator): IndicatorValue => {
  const when = ind.evidence!.when;
  if ('above' in when) return when.above;
  if (ind.valueType === 'boolean') return !when.in[0];
  return ind.options!.find((o) => !when.in.includes(o.value))!.value;
};

describe.each(EVIDENCE_INDICATORS.map((i) => [i.code, i] as const))('evidence of %s', (code, ind) => {
  it('is asked for exactly when the value needs it, and not once a file is attached to the indicator', () => {
    const [finding] = evidenceFindings({ [code]: needing(ind) }, [], school(ind));
    expect(finding).toEqual({
      code,
      rule: 'evidence',
      severity: ind.evidence!.blocking ? 'error' : 'warning',
      message: expect.stringContaining(ind.evidence!.what.zh),
    });
    expect(evidenceFindings({ [code]: notNeeding(ind) }, [], school(ind))).toEqual([]);
    expect(evidenceFindings({ [code]: needing(ind) }, [{ indicator: code }], school(ind))).toEqual([]);
    expect(evidenceFindings({}, [], school(ind))).toEqual([]);
  });
});

describe('evidence rules', () => {
  it('has about a dozen requirements, most of them blocking', () => {
    expect(EVIDENCE_INDICATORS.length).toBeGreaterThanOrEqual(10);
    expect(EVIDENCE_INDICATORS.filter((i) => i.evidence!.blocking).length).toBeGreaterThan(EVIDENCE_INDICATORS.length / 2);
  });
  it('reads conditions and the county quarter', () => {
    expect(evidenceNeeded({ above: 0 }, 0)).toBe(false);
    expect(evidenceNeeded({ above: 0 }, 0.5)).toBe(true);
    expect(evidenceNeeded({ in: [true] }, null)).toBe(false);
    expect(evidenceRequiredFor(null, '2026Q1')).toBe(false);
    expect(evidenceRequiredFor('2026Q2', '2026Q1')).toBe(false);
    expect(evidenceRequiredFor('2026Q2', '2026Q2')).toBe(true);
    expect(evidenceRequiredFor('2026Q2', '2027Q1')).toBe(true);
  });
});
