import { describe, expect, it } from 'vitest';
import { afterSave, applyChoices, changedElsewhere, editCount, noEdits, reconcile, recordEdit, sameValue, withEdits, type PendingEdits } from './pendingEdits';

const stored = (version: number, values: Record<string, number | string | boolean>, explanations: Record<string, string> = {}) => ({
  version,
  values,
  explanations,
});

/** Edits typed over version 3, where students were 300 and staff 40. */
function typed(): PendingEdits {
  let p = noEdits(3);
  p = recordEdit(p, 'values', 'students_enrolled', 300, '321');
  p = recordEdit(p, 'values', 'staff_count', 40, '41');
  p = recordEdit(p, 'explanations', 'staff_count', null, '新学期调入一名教师');
  return p;
}

describe('which edits are not yet saved', () => {
  it('compares what was typed with what is stored as the server would store it', () => {
    expect(sameValue('500', 500)).toBe(true);
    expect(sameValue('1,200.50', 1200.5)).toBe(true);
    expect(sameValue('', null)).toBe(true);
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue(' 说明 ', '说明')).toBe(true);
    expect(sameValue('-', null)).toBe(false);
    expect(sameValue(false, null)).toBe(false);
    expect(sameValue('2026-03-15', '2026-03-16')).toBe(false);
  });

  it('keeps the stored value a field had when first edited, and drops a field typed back to it', () => {
    let p = recordEdit(noEdits(1), 'values', 'students_enrolled', 300, '3');
    p = recordEdit(p, 'values', 'students_enrolled', 310, '32');
    expect(p.values.students_enrolled).toEqual({ base: 300, mine: '32' });
    p = recordEdit(p, 'values', 'students_enrolled', 310, '300');
    expect(editCount(p)).toBe(0);
  });

  it('after a save, forgets what was stored as typed and keeps what was typed meanwhile', () => {
    const sent = typed();
    const meanwhile = recordEdit(sent, 'values', 'staff_count', 40, '42');
    const next = afterSave(meanwhile, sent, stored(4, { students_enrolled: 321, staff_count: 41 }, { staff_count: '新学期调入一名教师' }));
    expect(next).toEqual({ baseVersion: 4, values: { staff_count: { base: 41, mine: '42' } }, explanations: {} });
  });

  it('shows the stored report with the pending edits over it, a cleared field empty', () => {
    let p = recordEdit(noEdits(2), 'values', 'a', 1, '7');
    p = recordEdit(p, 'values', 'b', 2, '');
    expect(withEdits({ a: 1, b: 2, c: 3 }, p.values)).toEqual({ a: '7', b: '', c: 3 });
    p = recordEdit(p, 'values', 'b', 2, null);
    expect(withEdits({ a: 1, b: 2, c: 3 }, p.values)).toEqual({ a: '7', c: 3 });
  });
});

describe('merging a newer version from someone else', () => {
  it('keeps edits of fields the other side left alone, rebased on the newer version', () => {
    const { pending, differences } = reconcile(typed(), stored(5, { students_enrolled: 300, staff_count: 40, canteen_staff: 6 }));
    expect(differences).toEqual([]);
    expect(pending.baseVersion).toBe(5);
    expect(editCount(pending)).toBe(3);
  });

  it('settles a field the other side changed to the same value', () => {
    const { pending, differences } = reconcile(typed(), stored(5, { students_enrolled: 321, staff_count: 40 }));
    expect(differences).toEqual([]);
    expect(pending.values.students_enrolled).toBeUndefined();
    expect(pending.values.staff_count).toEqual({ base: 40, mine: '41' });
  });

  it('names each field both sides changed to different values, with both values and the one before', () => {
    const { pending, differences } = reconcile(typed(), stored(5, { students_enrolled: 350, staff_count: 40 }, { staff_count: '调入教师' }));
    expect(differences).toEqual([
      { section: 'values', code: 'students_enrolled', base: 300, mine: '321', theirs: 350 },
      { section: 'explanations', code: 'staff_count', base: null, mine: '新学期调入一名教师', theirs: '调入教师' },
    ]);
    // Until chosen they stay pending on their old base, so a reload finds the same differences again.
    expect(pending.values.students_enrolled).toEqual({ base: 300, mine: '321' });
    expect(reconcile(pending, stored(5, { students_enrolled: 350, staff_count: 40 }, { staff_count: '调入教师' })).differences).toHaveLength(2);
  });

  it('treats a field cleared by the other side as a change', () => {
    const { differences } = reconcile(typed(), stored(5, { staff_count: 40 }));
    expect(differences.map((d) => [d.code, d.theirs])).toEqual([['students_enrolled', null]]);
  });

  it('lists the fields only the other side changed, for the notice', () => {
    const known = stored(3, { students_enrolled: 300, staff_count: 40, canteen_staff: 5 });
    const remote = stored(5, { students_enrolled: 350, staff_count: 40, canteen_staff: 6, buildings: 2 }, { canteen_staff: '扩建' });
    expect(changedElsewhere(known, remote, typed())).toEqual([
      { section: 'values', code: 'canteen_staff' },
      { section: 'values', code: 'buildings' },
      { section: 'explanations', code: 'canteen_staff' },
    ]);
  });

  it('applies the choice per field: mine goes out over theirs, theirs is no longer pending', () => {
    const remote = stored(5, { students_enrolled: 350, staff_count: 40 }, { staff_count: '调入教师' });
    const { pending, differences } = reconcile(typed(), remote);
    const chosen = applyChoices(pending, differences, { 'values:students_enrolled': 'mine', 'explanations:staff_count': 'theirs' });
    expect(chosen.values.students_enrolled).toEqual({ base: 350, mine: '321' });
    expect(chosen.explanations.staff_count).toBeUndefined();
    expect(chosen.values.staff_count).toEqual({ base: 40, mine: '41' });
    // Nothing is left to choose: merging the same version again finds no difference.
    expect(reconcile(chosen, remote).differences).toEqual([]);
  });

  it('leaves a difference without a choice as it was', () => {
    const { pending, differences } = reconcile(typed(), stored(5, { students_enrolled: 350, staff_count: 40 }));
    expect(applyChoices(pending, differences, {})).toEqual(pending);
  });
});
