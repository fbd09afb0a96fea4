import { statusKey } from '../aggregate/group.js';
import { indicator } from '../indicators/catalogue.js';
import type { IndicatorDomain } from '../indicators/types.js';
import type { TargetMeasure } from '../targets/types.js';
import type { SummaryContext, TargetState } from './context.js';
import type { SummarySection } from './types.js';

type Text = string | null | undefined | false;

/** A section from its parts; null when it has neither text nor subsections (nothing to say). */
export function section(id: string, title: string, paragraphs: readonly Text[], children: readonly (SummarySection | null)[] = []): SummarySection | null {
  const texts = paragraphs.filter((p): p is string => typeof p === 'string' && p.length > 0);
  const kids = children.filter((c): c is SummarySection => c !== null);
  if (!texts.length && !kids.length) return null;
  return { id, title, paragraphs: texts.map((text, i) => ({ id: `${id}-p${i + 1}`, text })), children: kids };
}

/** A numbered item (“1.标题。正文”): its sentences make one paragraph; null when every sentence was dropped. */
export function item(id: string, title: string, sentences: readonly Text[]): SummarySection | null {
  const text = sentences.filter((s): s is string => typeof s === 'string' && s.length > 0).join('');
  return text ? section(id, title, [text]) : null;
}

/** “较上年” for a whole year, “较上年同期” for part of one. */
export const lastYear = (ctx: SummaryContext): string => (ctx.partial ? '较上年同期' : '较上年');

/** “全年” for a whole year, “截至目前，” for part of one. */
export const sofar = (ctx: SummaryContext): string => (ctx.partial ? '截至目前，' : '全年');

/** A target quoted in a sentence: “…”, with its own inner quotes turned to ‘…’ as official documents nest them. */
export const quoted = (label: string): string => `“${label.replace(/“/g, '‘').replace(/”/g, '’')}”`;

/**
 * How a target fared, in the words of a summary: “完成“全县学平险参保率≥95%”目标”, “甲小学未达到“…”目标”,
 * “尚未达到“…”目标（截至目前为93.2%）” in a partial year.
 */
export function verdict(ctx: SummaryContext, state: TargetState, withActual = false): string {
  const { label, result, figure, target } = state;
  const listsSchools = target.kind === 'each_school' && ctx.level !== 'school';
  const q = quoted(label);
  if (result.met === null) return `${q}目标暂无法评估（有关学校数据不全）`;
  const actual = withActual && !listsSchools ? `（${ctx.partial ? '截至目前为' : '实际为'}${figure.ref}）` : '';
  if (result.met) return ctx.partial ? `已达到${q}目标${actual}` : `完成${q}目标${actual}`;
  if (listsSchools) return ctx.partial ? `${figure.ref}尚未达到${q}目标` : `${figure.ref}未达到${q}目标`;
  return ctx.partial ? `尚未达到${q}目标${actual}` : `未完成${q}目标${actual}`;
}

function unstated(ctx: SummaryContext, pick: (s: TargetState) => boolean): TargetState[] {
  const states = ctx.targets.filter((s) => !ctx.stated.has(s.target.id) && pick(s));
  for (const s of states) ctx.stated.add(s.target.id);
  return states;
}

/**
 * The verdicts of the targets on an indicator (and measure), joined as one clause; marks them stated. A city
 * summary states its counties' targets together at the end of each domain instead (see `remainingTargets`).
 */
export function targetClause(ctx: SummaryContext, code: string, measure: TargetMeasure = 'value', statusValue?: string | boolean): string | null {
  if (ctx.level === 'city') return null;
  const states = unstated(
    ctx,
    (s) =>
      s.target.indicator === code &&
      s.target.measure === measure &&
      (statusValue === undefined || (s.target.statusValue !== null && statusKey(s.target.statusValue) === statusKey(statusValue))),
  );
  return states.length ? states.map((s) => verdict(ctx, s)).join('，') : null;
}

/** The domain's targets not yet stated by a figure's sentence, as one item (“目标完成情况”). */
export function remainingTargets(ctx: SummaryContext, id: string, domain: IndicatorDomain): SummarySection | null {
  const states = unstated(ctx, (s) => indicator(s.target.indicator).domain === domain);
  if (!states.length) return null;
  return item(id, '目标完成情况', [`${ctx.when}，${states.map((s) => verdict(ctx, s, true)).join('；')}。`]);
}

/** Whether every target of a domain that can be judged was met (true when there is none). */
export function domainOnTrack(ctx: SummaryContext, domain: IndicatorDomain): boolean {
  return ctx.targets.every((s) => indicator(s.target.indicator).domain !== domain || s.result.met !== false);
}

/** Puts `lead` before the first clause that is kept (“2026年，全县学校” + “人均综合能耗…”). */
export function withLead(lead: string, clauses: readonly Text[]): Text[] {
  const first = clauses.findIndex((c) => typeof c === 'string' && c.length > 0);
  return first < 0 ? [] : clauses.map((c, i) => (i === first ? `${lead}${c as string}` : c));
}

/** Who the sentences speak of: “我校”, or “全县学校”. */
export const schoolsOf = (ctx: SummaryContext): string => (ctx.level === 'school' ? '我校' : `${ctx.subject}学校`);
