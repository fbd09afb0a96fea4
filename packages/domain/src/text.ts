import type { z } from 'zod';

/** What PostgreSQL's text and jsonb cannot hold: NUL, and half of a surrogate pair (binary junk pasted in). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where, inside an input, the first text the database could not store sits (its path, e.g.
 * `sections.0.paragraphs.1.text`; keys count as text too), or null when every string can be stored.
 * One pass with an explicit stack, so its cost grows with the size of the input, never with the square of its depth,
 * and no nesting can overflow the call stack; a path is built only for the text found.
 */
export function unstorableTextAt(value: unknown): string | null {
  interface Visit {
    value: unknown;
    key: string | null;
    parent: Visit | null;
  }
  const pathOf = (visit: Visit): string => {
    const keys: string[] = [];
    for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) keys.push(at.key);
    return keys.reverse().join('.');
  };
  const stack: Visit[] = [{ value, key: null, parent: null }];
  while (stack.length) {
    const visit = stack.pop()!;
    const item = visit.value;
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return pathOf(visit);
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    const entries = Object.entries(item);
    // Pushed in reverse so the first field is looked at first, as people read the input.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childVisit = { value: child, key, parent: visit };
      if (UNSTORABLE.test(key)) return pathOf(childVisit);
      stack.push(childVisit);
    }
  }
  return null;
}

/**
 * Invisible characters that change how a name reads without showing themselves: zero-width characters and the
 * bidirectional controls (U+202E turns “学校.exe” around). Names and identifiers refuse them.
 */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** A name's rule with invisible characters refused, naming the field (“学校名称不能包含不可见字符…”). */
export const visibleName = (rule: z.ZodString, label: string) =>
  rule.refine((text) => !INVISIBLE.test(text), `${label}不能包含不可见字符或文字方向控制符（如零宽空格、U+202E），请删除后重新输入。`);

/**
 * Whether JSON text nests arrays and objects deeper than `max`: one linear pass over the characters (strings and
 * their escapes skipped), before anything parses or walks it.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
