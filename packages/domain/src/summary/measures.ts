import type { MeasureDomain, MeasureKind } from '../measures.js';
import type { SummaryContext } from './context.js';
import type { SummarySection } from './types.js';
import { domainOnTrack, item, section } from './write.js';

/**
 * Part 一 written the way a bureau writes it (issue 16): each domain opens with what the bureau did (its dated
 * measures: documents, meetings, inspections, training), then “通过努力” and the result, then the figures (the
 * domain's own items), and may close with two or three schools' practices quoted as 典型做法. A county's summary
 * only: a school's summary speaks of the school's own work, a city's of its counties'.
 */

/** Words that already start a measure with its verb (“转发《…》”, “召开…会议”, “对…开展检查”). */
const LEADING_VERB =
  /^(转发|印发|下发|制定|制订|出台|修订|召开|组织|开展|举办|举行|联合|会同|邀请|督促|部署|启动|实施|建立|完善|参加|落实|对|与|向|在|按照|根据)/;
/** The verb a measure of each kind takes when its text starts without one. */
const DEFAULT_VERB: Record<MeasureKind, string> = { document: '印发', meeting: '召开', inspection: '开展', training: '组织开展' };

/** Text typed by people never carries a figure placeholder into the document, nor ends a clause early. */
const inert = (text: string): string => text.replace(/\{\{/g, '｛｛').replace(/\}\}/g, '｝｝');
const TRAILING = /[\s。；;，,、！!：:]+$/;

/** One measure as a clause: “3月转发《…》”, “召开全县学校食堂管理工作会议” (the month left out when it repeats). */
function measureClause(kind: MeasureKind, text: string, month: number | null): string {
  const body = inert(text).replace(/。/g, '，').replace(TRAILING, '');
  const verb = LEADING_VERB.test(body) ? '' : DEFAULT_VERB[kind];
  return `${month !== null ? `${month}月` : ''}${verb}${body}`;
}

/** What “通过努力，” leads to, for each domain: one phrase when its targets are met, a more modest one when not. */
const EFFECTS: Record<MeasureDomain, { onTrack: string; short: string }> = {
  insurance: { onTrack: '各项保险应保尽保，学校教育风险有效转移', short: '各项保险覆盖面进一步扩大，学校风险防范能力不断增强' },
  energy: { onTrack: '学校师生节约用电、用水的意识明显增强，用能管理更加规范', short: '学校节能降耗工作有序推进，用能管理逐步规范' },
  green: { onTrack: '校园绿化美化水平明显提升，绿色校园创建成效显著', short: '校园环境持续改善，绿色校园创建稳步推进' },
  canteen: { onTrack: '学校食堂管理更加规范，师生饮食安全得到有效保障', short: '学校食堂管理水平逐步提高，食品安全主体责任进一步落实' },
};

/** A domain section's title when the year has measures or practices to state but no figures yet. */
const FALLBACK_TITLES: Record<MeasureDomain, string> = {
  insurance: '各项保险工作有序开展',
  energy: '节能降耗工作扎实推进',
  green: '绿色校园建设稳步推进',
  canteen: '学校食堂管理不断加强',
};

/**
 * “2026年，青石县教育局3月转发《…》，5月召开…会议，9月开展…检查。通过努力，全县…。” The measures in date order;
 * null when the bureau recorded none for the domain (never a placeholder sentence).
 */
export function measuresSentence(ctx: SummaryContext, domain: MeasureDomain): string | null {
  const given = ctx.input.measures;
  if (ctx.level !== 'county' || !given) return null;
  const own = given.list.filter((m) => m.domain === domain && m.text.trim()).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  if (!own.length) return null;
  let lastMonth: number | null = null;
  const clauses = own.map((m) => {
    const month = Number(m.date.slice(5, 7));
    const clause = measureClause(m.kind, m.text, month === lastMonth ? null : month);
    lastMonth = month;
    return clause;
  });
  // Clauses with commas of their own are set apart by semicolons, so the reader sees where each measure ends.
  const joined = clauses.join(clauses.some((c) => c.includes('，')) ? '；' : '，');
  const effect = EFFECTS[domain][domainOnTrack(ctx, domain) ? 'onTrack' : 'short'];
  // The issuing unit the county set (教育局, 教育和体育局…), as the title and the signature give it.
  const bureau = ctx.input.issuer?.trim() || given.bureau;
  return `${ctx.input.year}年，${inert(bureau)}${joined}。通过努力，${ctx.subject}${effect}。`;
}

const BULLET = /^\s*([-–—•·*]+|\d+[.、．]|[（(]\d+[)）]|[一二三四五六七八九十]+、)\s*/;

/** A school's practice as a run of clauses after its name: bullets and line breaks become 、；, 我校 becomes the school. */
function practiceText(text: string): string {
  const lines = inert(text)
    .split('\n')
    .map((line) => line.replace(BULLET, '').replace(TRAILING, '').trim())
    .filter(Boolean);
  const joined = lines.join('；').replace(/^(我校|本校|学校)[，,]?/, '');
  return `${joined.replace(/我校|本校/g, '该校')}。`;
}

/** 典型做法: the chosen schools' own words, each school named, closed with praise; null when none was chosen. */
export function typicalPractices(ctx: SummaryContext, domain: MeasureDomain): SummarySection | null {
  const given = ctx.input.measures;
  if (ctx.level !== 'county' || !given) return null;
  const own = given.practices.filter((p) => p.domain === domain && p.text.trim());
  if (!own.length) return null;
  const quotes = own.map((p) => `${inert(p.schoolName)}${practiceText(p.text)}`);
  const praise = own.length === 1 ? '这一做法成效明显，值得各学校学习借鉴。' : '这些做法各具特色、成效明显，值得各学校学习借鉴。';
  return item(`${domain}-practices`, '典型做法', ['各学校结合实际积极探索，涌现出一批好的做法。', ...quotes, praise]);
}

/**
 * A domain's section of part 一 with the bureau's measures before its figures and the typical practices after
 * them. Without measures or practices the section is returned as it was built.
 */
export function withMeasures(ctx: SummaryContext, domain: MeasureDomain, built: SummarySection | null): SummarySection | null {
  const opening = measuresSentence(ctx, domain);
  const practices = typicalPractices(ctx, domain);
  if (!opening && !practices) return built;
  if (!built) return section(domain, FALLBACK_TITLES[domain], [opening], [practices]);
  return {
    ...built,
    paragraphs: opening ? [{ id: `${domain}-measures`, text: opening }, ...built.paragraphs] : built.paragraphs,
    children: practices ? [...built.children, practices] : built.children,
  };
}
