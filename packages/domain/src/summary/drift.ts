import type { Figure, FigureMap } from './types.js';

/** A frozen figure that no longer matches the live data (or a live figure the frozen summary lacks). */
export interface FigureDrift {
  id: string;
  label: string;
  kind: 'changed' | 'gone' | 'new';
  frozen: Pick<Figure, 'value' | 'text'> | null;
  live: Pick<Figure, 'value' | 'text'> | null;
}

const same = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

/**
 * Compares a finalised summary's frozen figures with the figures the live reports give today: a corrected report
 * shows up as `changed`, a figure the data no longer supports as `gone`, a figure that appeared since as `new`.
 */
export function figureDrift(frozen: FigureMap, live: FigureMap): FigureDrift[] {
  const drift: FigureDrift[] = [];
  for (const [id, f] of Object.entries(frozen)) {
    const now = live[id];
    if (!now) drift.push({ id, label: f.label, kind: 'gone', frozen: { value: f.value, text: f.text }, live: null });
    else if (!same(f.value, now.value) || f.text !== now.text)
      drift.push({ id, label: f.label, kind: 'changed', frozen: { value: f.value, text: f.text }, live: { value: now.value, text: now.text } });
  }
  for (const [id, f] of Object.entries(live)) {
    if (!frozen[id]) drift.push({ id, label: f.label, kind: 'new', frozen: null, live: { value: f.value, text: f.text } });
  }
  return drift;
}
