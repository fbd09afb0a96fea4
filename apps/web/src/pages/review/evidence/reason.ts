/**
 * A return reason with the lines naming the ticked files: those lines first (in the list's order), then whatever the officer wrote
 * themselves; a file's line that is no longer ticked is taken out, other text is kept as written.
 */
export function withFileLines(reason: string, allFileLines: readonly string[], picked: readonly string[]): string {
  const fileLines = new Set(allFileLines);
  const own = reason.split('\n').filter((l) => !fileLines.has(l));
  return [...picked, ...own].join('\n').trim();
}
