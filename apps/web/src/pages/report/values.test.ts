import { INDICATORS } from '@oversight/domain';
import { describe, expect, it } from 'vitest';
import { toStoredValue } from './useReportDraft';

const byValueType = (type: string) => INDICATORS.find((i) => i.valueType === type && i.kind !== 'derived')!;

describe('what the form sends', () => {
  it('clears a field emptied by the user', () => {
    expect(toStoredValue(byValueType('integer'), '')).toBeNull();
    expect(toStoredValue(byValueType('enum'), null)).toBeNull();
    expect(toStoredValue(byValueType('decimal'), undefined)).toBeNull();
  });

  it('reads numbers as typed, with thousands separators', () => {
    expect(toStoredValue(byValueType('decimal'), '12,345.5')).toBe(12345.5);
    expect(toStoredValue(byValueType('integer'), 480)).toBe(480);
  });

  it('holds back a number still being typed instead of sending text the server would refuse', () => {
    expect(toStoredValue(byValueType('decimal'), '-')).toBeUndefined();
  });

  it('passes choices, yes/no and dates through unchanged', () => {
    expect(toStoredValue(byValueType('boolean'), false)).toBe(false);
    expect(toStoredValue(byValueType('enum'), 'A')).toBe('A');
    expect(toStoredValue(byValueType('date'), '2026-03-15')).toBe('2026-03-15');
  });
});
