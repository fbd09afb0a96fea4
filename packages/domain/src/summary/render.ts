import { headingNumber } from '../wording/sentences.js';
import { MISSED_TABLE_ID, type FigureMap, type SummarySection, type SummaryTable } from './types.js';

const PLACEHOLDER = /\{\{fig:([A-Za-z0-9_-]+)\}\}/g;

/** The figure ids a text refers to, in order. */
export function placeholderIds(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** A paragraph as read: each `{{fig:id}}` replaced by the figure's text (a missing one is marked, never hidden). */
export function renderText(text: string, figures: FigureMap): string {
  return text.replace(PLACEHOLDER, (_, id: string) => figures[id]?.text ?? `【数据缺失：${id}】`);
}

/** Figure ids the sections refer to that the figure set does not hold (an edit that broke a link). */
export function unknownFigures(sections: readonly SummarySection[], figures: FigureMap): string[] {
  const unknown = new Set<string>();
  const walk = (list: readonly SummarySection[]) => {
    for (const s of list) {
      for (const id of [...placeholderIds(s.title), ...s.paragraphs.flatMap((p) => placeholderIds(p.text))]) if (!figures[id]) unknown.add(id);
      walk(s.children);
    }
  };
  walk(sections);
  return [...unknown];
}

/** One heading or block of the outline, ready for an exporter: numbers computed, figures filled in. */
export interface OutlineEntry {
  id: string;
  depth: number;
  /** “一、” / “（一）” / “1.”; empty for an untitled block. */
  number: string;
  title: string;
  /** Items are run in: “1.标题。” opens their first paragraph. */
  runIn: boolean;
  paragraphs: string[];
}

/**
 * The sections in reading order with their heading numbers (GB/T 9704). Headings take 一、 at the first level,
 * （一） at the second, 1. and （1） below. Below the first level, a list of titled sections none of which has
 * subsections is a list of items: numbered 1. 2. 3. and run in with their text (“1.标题。正文……”), as bureau
 * summaries write their points. Untitled sections are not numbered and take no number from their siblings.
 */
export function outline(sections: readonly SummarySection[], figures: FigureMap): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  const walk = (list: readonly SummarySection[], depth: number) => {
    const titled = (s: SummarySection) => s.title.trim().length > 0;
    const items = depth > 0 && list.filter(titled).every((s) => s.children.length === 0);
    let index = 0;
    for (const s of list) {
      if (titled(s)) index += 1;
      const leaf = s.children.length === 0;
      entries.push({
        id: s.id,
        depth,
        number: !titled(s) ? '' : items ? `${index}.` : headingNumber(depth, index),
        title: renderText(s.title.trim(), figures),
        runIn: titled(s) && leaf && (items || depth >= 2),
        paragraphs: s.paragraphs.map((p) => renderText(p.text, figures)).filter((t) => t.trim().length > 0),
      });
      walk(s.children, depth + 1);
    }
  };
  walk(sections, 0);
  return entries;
}

/** Title punctuation for a run-in heading: “1.标题。” (no second full stop when the title has one). */
export function runInHeading(entry: OutlineEntry): string {
  return `${entry.number}${entry.title}${/[。！？]$/.test(entry.title) ? '' : '。'}`;
}

/** The summary as plain text, one paragraph a line: the print view's content and what tests read. */
export function summaryText(title: string, sections: readonly SummarySection[], figures: FigureMap): string {
  const lines: string[] = [title];
  for (const e of outline(sections, figures)) {
    if (e.runIn) {
      const [first, ...rest] = e.paragraphs;
      lines.push(`${runInHeading(e)}${first ?? ''}`, ...rest);
    } else {
      if (e.number || e.title) lines.push(`${e.number}${e.title}`);
      lines.push(...e.paragraphs);
    }
  }
  return lines.join('\n');
}

/** “附件：未达到目标的学校名单” for the list of schools, “附表1  各校保险情况” for the others (numbered without it). */
export function appendixCaptions(tables: readonly Pick<SummaryTable, 'id' | 'title'>[]): string[] {
  let n = 0;
  return tables.map((t) => (t.id === MISSED_TABLE_ID ? `附件：${t.title}` : `附表${++n}  ${t.title}`));
}
