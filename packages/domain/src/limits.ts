/**
 * How often one user may make the calls that cost the server most, declared beside access: a procedure says
 * `.meta({ access, cost: 'draft' })`, a file route `config: { access, cost: 'export' }`, and one step after the access
 * decision (the tRPC middleware, the file-route hook) counts the attempt against the user's counter of that kind.
 * - draft: drafting an annual summary (a county's, a city's across its counties, or a school's);
 * - document: a summary as Word or Excel (a county's .docx is seconds of work);
 * - import: uploading a spreadsheet of reports (checked or stored);
 * - export: a generated spreadsheet (templates, county and league exports).
 */
export const COSTS = ['draft', 'document', 'import', 'export'] as const;
export type Cost = (typeof COSTS)[number];

/** At most `attempts` calls of a kind per user within `windowMinutes` (the window starts with the first call). */
export interface CostLimit {
  attempts: number;
  windowMinutes: number;
}
export type CostLimits = Record<Cost, CostLimit>;

/**
 * Generous on purpose: each is several times what a person does by hand in ten minutes, so real work never meets
 * them, while a script looping on one of these calls is held to a few per minute. A draft is read and edited for
 * minutes before another is wanted (30: one every 20 s); a document is downloaded to read or print (60: one every
 * 10 s); an upload is filled in or corrected between tries (30); exports and templates are clicked through a
 * county's schools and quarters (120: two a second would be a script, not a person).
 */
export const DEFAULT_COST_LIMITS: CostLimits = {
  draft: { attempts: 30, windowMinutes: 10 },
  document: { attempts: 60, windowMinutes: 10 },
  import: { attempts: 30, windowMinutes: 10 },
  export: { attempts: 120, windowMinutes: 10 },
};

export const COST_LABELS: Record<Cost, string> = {
  draft: '生成总结草稿',
  document: '下载总结文档',
  import: '导入报表',
  export: '导出表格',
};

/** The counter one user's calls of a kind are counted against (in `attempt_counters`). */
export const costKey = (cost: Cost, userId: number): string => `cost:${cost}:user:${userId}`;

/** The refusal past a limit: which calls, how many the window allows, and when to try again. */
export function costRefusal(cost: Cost, limit: CostLimit, minutes: number): string {
  return `${COST_LABELS[cost]}过于频繁（每${limit.windowMinutes}分钟最多${limit.attempts}次），请在${minutes}分钟后再试。`;
}

/**
 * Summaries kept per unit (county, city or school) and year, drafts and final ones together. Drafting again over a
 * draft nobody has edited refreshes that draft rather than adding one, so this is met only by summaries people
 * worked on; past it, drafting is refused, and the existing drafts are edited instead.
 */
export const MAX_SUMMARIES_PER_UNIT_YEAR = 20;
