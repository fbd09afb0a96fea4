/** What PostgreSQL's text and jsonb cannot hold: NUL, and half of a surrogate pair (binary junk pasted in). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where, inside an input, the first text the database could not store sits (its path, e.g.
 * `sections.0.paragraphs.1.text`; keys count as text too), or null when every string can be stored.
 */
export function unstorableTextAt(value: unknown, path: readonly string[] = []): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path.join('.') : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, key];
    if (UNSTORABLE.test(key)) return at.join('.');
    const found = unstorableTextAt(item, at);
    if (found !== null) return found;
  }
  return null;
}
