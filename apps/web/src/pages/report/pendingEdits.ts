import type { IndicatorValue } from '@oversight/domain';

/** What a form field holds: a stored value, or the text of a number being typed. */
export type FieldValue = IndicatorValue | string;

/** The two parts of a report a principal edits: the figures and the explanations of warnings. */
export type Section = 'values' | 'explanations';

/** One field edited in the browser and not yet stored: what the server held when it was edited, and what was typed. */
export interface Edit {
  base: FieldValue | null;
  mine: FieldValue | null;
}

/**
 * The edits not yet stored, against the version of the report they were based on. Each field keeps the value it had
 * at that version, so a newer version from someone else can be merged field by field (three-way).
 */
export interface PendingEdits {
  baseVersion: number;
  values: Record<string, Edit>;
  explanations: Record<string, Edit>;
}

/** The stored report as the server answers it (the parts the edits concern). */
export interface StoredReport {
  version: number;
  values: Record<string, IndicatorValue | undefined>;
  explanations: Record<string, string | undefined>;
}

/** A field both sides changed to different values: the principal chooses which stays. */
export interface Difference {
  section: Section;
  code: string;
  base: FieldValue | null;
  mine: FieldValue | null;
  theirs: FieldValue | null;
}

export type Choice = 'mine' | 'theirs';

export const SECTIONS: readonly Section[] = ['values', 'explanations'];

export const noEdits = (baseVersion: number): PendingEdits => ({ baseVersion, values: {}, explanations: {} });

export const differenceKey = (d: { section: Section; code: string }) => `${d.section}:${d.code}`;

/** A value as compared: blank is null, text is trimmed, a number typed as text is that number. */
function comparable(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return null;
  if (/^[-+]?[\d,]*\.?\d*$/.test(text) && /\d/.test(text)) {
    const n = Number(text.replace(/,/g, ''));
    if (Number.isFinite(n)) return n;
  }
  return text;
}

/** True when two field values mean the same stored value ("500" typed and 500 stored; "" and nothing). */
export function sameValue(a: unknown, b: unknown): boolean {
  return comparable(a) === comparable(b);
}

export function editCount(pending: PendingEdits): number {
  return Object.keys(pending.values).length + Object.keys(pending.explanations).length;
}

export const hasEdits = (pending: PendingEdits) => editCount(pending) > 0;

/**
 * Records a field typed in the form. The first edit of a field keeps the stored value it replaced; typing the stored
 * value back makes the field no longer pending.
 */
export function recordEdit(pending: PendingEdits, section: Section, code: string, stored: FieldValue | null, mine: FieldValue | null): PendingEdits {
  const entries = { ...pending[section] };
  const base = entries[code] ? entries[code].base : stored;
  if (sameValue(base, mine)) delete entries[code];
  else entries[code] = { base, mine };
  return { ...pending, [section]: entries };
}

/**
 * After a save of `sent` was stored: fields stored as typed are no longer pending; fields typed again while the save
 * was under way stay pending, now based on what was stored.
 */
export function afterSave(pending: PendingEdits, sent: PendingEdits, stored: StoredReport): PendingEdits {
  const next = noEdits(stored.version);
  for (const section of SECTIONS) {
    for (const [code, edit] of Object.entries(pending[section])) {
      const sentEdit = sent[section][code];
      if (sentEdit && sameValue(sentEdit.mine, edit.mine)) continue;
      const base = stored[section][code] ?? null;
      if (!sameValue(base, edit.mine)) next[section][code] = { base, mine: edit.mine };
    }
  }
  return next;
}

/**
 * Merges a newer stored version into the pending edits, field by field: an edit of a field the other side left alone
 * stands; an edit the other side made too (the same value) is settled; a field both changed to different values is a
 * difference to choose. The result is based on the newer version; differences keep their old base until chosen, so
 * a reload before the choice finds them again.
 */
export function reconcile(pending: PendingEdits, remote: StoredReport): { pending: PendingEdits; differences: Difference[] } {
  const next = noEdits(remote.version);
  const differences: Difference[] = [];
  for (const section of SECTIONS) {
    for (const [code, edit] of Object.entries(pending[section])) {
      const theirs = remote[section][code] ?? null;
      if (sameValue(theirs, edit.mine)) continue;
      if (sameValue(theirs, edit.base)) next[section][code] = { base: theirs, mine: edit.mine };
      else {
        next[section][code] = edit;
        differences.push({ section, code, base: edit.base, mine: edit.mine, theirs });
      }
    }
  }
  return { pending: next, differences };
}

/** Fields someone else changed between the version known here and the newer one, that were not edited here. */
export function changedElsewhere(known: StoredReport, remote: StoredReport, pending: PendingEdits): { section: Section; code: string }[] {
  const changed: { section: Section; code: string }[] = [];
  for (const section of SECTIONS) {
    const codes = new Set([...Object.keys(known[section]), ...Object.keys(remote[section])]);
    for (const code of codes) {
      if (pending[section][code]) continue;
      if (!sameValue(known[section][code], remote[section][code])) changed.push({ section, code });
    }
  }
  return changed;
}

/**
 * Applies the principal's choice per difference: "mine" stays pending on top of the other version (it will be saved),
 * "theirs" is dropped from the pending edits (the form shows the stored value). A difference without a choice stays.
 */
export function applyChoices(pending: PendingEdits, differences: readonly Difference[], choices: Record<string, Choice>): PendingEdits {
  const next: PendingEdits = { baseVersion: pending.baseVersion, values: { ...pending.values }, explanations: { ...pending.explanations } };
  for (const d of differences) {
    const choice = choices[differenceKey(d)];
    if (choice === 'mine') next[d.section][d.code] = { base: d.theirs, mine: d.mine };
    else if (choice === 'theirs') delete next[d.section][d.code];
  }
  return next;
}

/** The form's fields: the stored ones with the pending edits typed over them. */
export function withEdits<T>(stored: Record<string, T | undefined>, edits: Record<string, Edit>): Record<string, T | FieldValue> {
  const fields: Record<string, T | FieldValue> = {};
  for (const [code, value] of Object.entries(stored)) if (value !== undefined) fields[code] = value;
  for (const [code, edit] of Object.entries(edits)) {
    if (edit.mine === null) delete fields[code];
    else fields[code] = edit.mine;
  }
  return fields;
}
