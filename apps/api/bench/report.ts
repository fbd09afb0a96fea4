import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One measured figure: median and p95 (in `unit`), its target, and the raw-SQL baseline's median when there is one. */
export interface Figure {
  name: string;
  median: number;
  p95: number;
  samples: number;
  unit: 'ms' | 's' | 'saves/s' | 'values/s' | 'MB' | 'KB' | 'MB/s' | 'count' | 'tps';
  /** p95AtMost: upper bound on p95; atLeast: lower bound on the median; ratioAtMost: bound on median ÷ baseline. */
  target: { p95AtMost?: number; atLeast?: number; ratioAtMost?: number };
  baseline: number | null;
  note?: string;
}

export function verdict(f: Figure): boolean {
  const t = f.target;
  if (t.p95AtMost !== undefined && !(f.p95 <= t.p95AtMost)) return false;
  if (t.atLeast !== undefined && !(f.median >= t.atLeast)) return false;
  if (t.ratioAtMost !== undefined && f.baseline !== null && !(f.median / f.baseline <= t.ratioAtMost)) return false;
  return true;
}

const fmt = (n: number) => (Number.isNaN(n) ? '—' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function targetText(f: Figure): string {
  const parts: string[] = [];
  if (f.target.p95AtMost !== undefined) parts.push(`p95 ≤ ${f.target.p95AtMost} ${f.unit}`);
  if (f.target.atLeast !== undefined) parts.push(`≥ ${f.target.atLeast} ${f.unit}`);
  if (f.target.ratioAtMost !== undefined) parts.push(`≤ ${f.target.ratioAtMost}× SQL`);
  return parts.join('，');
}

export function printTable(figures: readonly Figure[], write: (line: string) => void): void {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.median)} ${f.unit}`,
    `${fmt(f.p95)} ${f.unit}`,
    targetText(f),
    f.baseline === null ? '—' : `${fmt(f.baseline)} ms (${fmt(f.median / f.baseline)}×)`,
    verdict(f) ? '达标' : '未达标',
    f.note ?? '',
  ]);
  const header = ['指标', '中位数', 'p95', '目标', '原始SQL基线', '结论', '说明'];
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c)))).join(' │ ');
  write(line(header));
  write(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const r of rows) write(line(r));
}

export function writeResults(file: string, meta: Record<string, unknown>, figures: readonly Figure[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const results = figures.map((f) => ({ ...f, ratio: f.baseline === null ? null : f.median / f.baseline, met: verdict(f) }));
  writeFileSync(file, `${JSON.stringify({ ...meta, figures: results }, null, 2)}\n`);
}
