import type { SummaryChart } from '@oversight/domain';

/**
 * A summary chart laid out once, then drawn twice: as SVG (with every label, for Word and LibreOffice) and as a
 * PNG fallback (shapes and axis numbers only) for programs that cannot show SVG. The chart's data also goes into
 * a table under the image, so nothing depends on the picture alone.
 */
export interface ChartLayout {
  width: number;
  height: number;
  title: string;
  unit: string;
  rects: { x: number; y: number; w: number; h: number; color: string }[];
  lines: { points: [number, number][]; color: string }[];
  /** Horizontal grid lines with their axis value. */
  grid: { y: number; label: string }[];
  axis: { x0: number; x1: number; y0: number; y1: number };
  categories: { x: number; text: string }[];
  legend: { x: number; y: number; color: string; text: string }[];
}

export const PALETTE = ['#2F5597', '#C55A11', '#548235', '#7030A0', '#BF9000', '#1F8A8A'];

const MARGIN = { left: 64, right: 24, top: 48, bottom: 84 };

/** A round upper bound for the axis: 1, 2, 2.5 or 5 × 10ⁿ steps, five of them. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return { top: step * Math.ceil(max / step), step };
}

const axisNumber = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2))));

export function chartLayout(chart: SummaryChart, width = 640, height = 360): ChartLayout {
  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const y1 = MARGIN.top;
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const { top, step } = niceScale(Math.max(0, ...values));
  const yOf = (v: number) => y0 - ((y0 - y1) * v) / top;
  const grid: ChartLayout['grid'] = [];
  for (let v = 0; v <= top + step / 2; v += step) grid.push({ y: yOf(v), label: axisNumber(v) });

  const slot = (x1 - x0) / Math.max(1, chart.categories.length);
  const categories = chart.categories.map((text, i) => ({ x: x0 + slot * (i + 0.5), text }));
  const rects: ChartLayout['rects'] = [];
  const lines: ChartLayout['lines'] = [];
  if (chart.kind === 'bar') {
    const groupWidth = slot * 0.7;
    const barWidth = groupWidth / Math.max(1, chart.series.length);
    chart.series.forEach((s, si) => {
      s.values.forEach((v, ci) => {
        if (v === null) return;
        const x = x0 + slot * ci + (slot - groupWidth) / 2 + barWidth * si;
        rects.push({ x, y: yOf(v), w: Math.max(1, barWidth - 2), h: y0 - yOf(v), color: PALETTE[si % PALETTE.length]! });
      });
    });
  } else {
    chart.series.forEach((s, si) => {
      const points = s.values.flatMap((v, ci): [number, number][] => (v === null ? [] : [[categories[ci]!.x, yOf(v)]]));
      lines.push({ points, color: PALETTE[si % PALETTE.length]! });
    });
  }
  const legendWidth = (x1 - x0) / Math.max(1, chart.series.length);
  const legend = chart.series.map((s, i) => ({ x: x0 + legendWidth * i, y: height - 28, color: PALETTE[i % PALETTE.length]!, text: s.name }));
  return { width, height, title: chart.title, unit: chart.unit, rects, lines, grid, axis: { x0, x1, y0, y1 }, categories, legend };
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const FONT = "font-family=\"'Noto Sans CJK SC','Microsoft YaHei','SimHei',sans-serif\"";

/** The chart as an SVG document (labels in Chinese). */
export function chartSvg(layout: ChartLayout): string {
  const { width, height, axis } = layout;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#FFFFFF"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" ${FONT} fill="#000000">${escapeXml(layout.title)}</text>`,
    `<text x="${axis.x0 - 8}" y="${axis.y1 - 12}" text-anchor="end" font-size="11" ${FONT} fill="#404040">${escapeXml(layout.unit)}</text>`,
  ];
  for (const g of layout.grid) {
    parts.push(`<line x1="${axis.x0}" y1="${g.y.toFixed(1)}" x2="${axis.x1}" y2="${g.y.toFixed(1)}" stroke="#D9D9D9" stroke-width="1"/>`);
    parts.push(`<text x="${axis.x0 - 6}" y="${(g.y + 4).toFixed(1)}" text-anchor="end" font-size="11" ${FONT} fill="#404040">${g.label}</text>`);
  }
  for (const r of layout.rects)
    parts.push(`<rect x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.w.toFixed(1)}" height="${r.h.toFixed(1)}" fill="${r.color}"/>`);
  for (const l of layout.lines) {
    parts.push(
      `<polyline points="${l.points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${l.color}" stroke-width="2.5"/>`,
    );
    for (const [x, y] of l.points) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${l.color}"/>`);
  }
  parts.push(`<line x1="${axis.x0}" y1="${axis.y0}" x2="${axis.x1}" y2="${axis.y0}" stroke="#404040" stroke-width="1"/>`);
  for (const c of layout.categories)
    parts.push(`<text x="${c.x.toFixed(1)}" y="${axis.y0 + 18}" text-anchor="middle" font-size="12" ${FONT} fill="#000000">${escapeXml(c.text)}</text>`);
  for (const l of layout.legend) {
    parts.push(`<rect x="${l.x.toFixed(1)}" y="${l.y - 10}" width="14" height="10" fill="${l.color}"/>`);
    parts.push(`<text x="${(l.x + 20).toFixed(1)}" y="${l.y}" font-size="12" ${FONT} fill="#000000">${escapeXml(l.text)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
