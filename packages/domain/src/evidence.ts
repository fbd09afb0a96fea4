import type { Label } from './labels.js';
import { applies, INDICATORS } from './indicators/catalogue.js';
import { DOMAINS, type EvidenceWhen, type Indicator, type IndicatorDomain, type SchoolAttributes } from './indicators/types.js';
import type { ReportIssue } from './indicators/validate.js';
import type { IndicatorValue, ReportValues } from './indicators/values.js';
import type { Period } from './periods.js';

/**
 * Evidence (佐证材料, issue 15): the policies, certificates and photos behind a report's figures. A file supports one
 * indicator or one domain of the form (never the basics), or the report as a whole.
 */
export const EVIDENCE_DOMAINS = DOMAINS.filter((d): d is Exclude<IndicatorDomain, 'basics'> => d !== 'basics');
export type EvidenceDomain = (typeof EVIDENCE_DOMAINS)[number];

export const isEvidenceDomain = (value: string): value is EvidenceDomain => (EVIDENCE_DOMAINS as readonly string[]).includes(value);

/** One file of a report, as `evidence.list` and the upload answer give it. */
export interface EvidenceFile {
  id: number;
  /** The uploader's file name (text only). */
  name: string;
  /** Bytes as stored (an image after its metadata was stripped). */
  size: number;
  /** The MIME type found from the content. */
  type: string;
  sha256: string;
  indicator: string | null;
  domain: EvidenceDomain | null;
}

export interface EvidenceListEntry extends EvidenceFile {
  /** ISO 8601. */
  uploadedAt: string;
  /** The uploader's display name. */
  uploadedBy: string;
}

/** The types accepted, by content: documents and photos, nothing that runs or unpacks. */
export const EVIDENCE_TYPES = {
  'application/pdf': { zh: 'PDF文档', en: 'PDF' },
  'image/jpeg': { zh: 'JPEG图片', en: 'JPEG image' },
  'image/png': { zh: 'PNG图片', en: 'PNG image' },
  'image/webp': { zh: 'WebP图片', en: 'WebP image' },
  'application/msword': { zh: 'Word文档（.doc）', en: 'Word document (.doc)' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { zh: 'Word文档（.docx）', en: 'Word document (.docx)' },
  'application/vnd.ms-excel': { zh: 'Excel表格（.xls）', en: 'Excel workbook (.xls)' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { zh: 'Excel表格（.xlsx）', en: 'Excel workbook (.xlsx)' },
  'application/vnd.ms-works': { zh: 'WPS文档（.wps/.et）', en: 'WPS document (.wps/.et)' },
} as const satisfies Record<string, Label>;
export type EvidenceType = keyof typeof EVIDENCE_TYPES;

export const isEvidenceType = (value: string): value is EvidenceType => Object.hasOwn(EVIDENCE_TYPES, value);
export const isEvidenceImage = (type: string): boolean => type === 'image/jpeg' || type === 'image/png' || type === 'image/webp';
/** Shown in the browser itself (its PDF viewer, an image); everything else is downloaded. */
export const isEvidenceInline = (type: string): boolean => type === 'application/pdf' || isEvidenceImage(type);

/** What the upload form accepts (a hint for the file picker; the server decides by content). */
export const EVIDENCE_ACCEPT = '.pdf,.jpg,.jpeg,.png,.webp,.doc,.docx,.xls,.xlsx,.wps,.et';

export const EVIDENCE_DEFAULT_MAX_MB = 20;
export const EVIDENCE_DEFAULT_REPORT_MAX_MB = 200;
/** The longest file name kept (characters); longer names are shortened, keeping the extension. */
export const EVIDENCE_NAME_MAX = 200;

/**
 * A file name as text to keep and show: control and bidirectional-override characters removed, path separators
 * replaced, trimmed, at most EVIDENCE_NAME_MAX characters (the extension kept), never empty.
 */
export function evidenceName(raw: string | undefined | null): string {
  let name = (raw ?? '')
    .normalize('NFC')
    // Control characters, and the bidi overrides and isolates that make "gpj.exe" read as "exe.jpg".
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\/]/g, '_')
    .trim();
  name = name.replace(/^\.+/, '').trim();
  const chars = [...name];
  if (chars.length > EVIDENCE_NAME_MAX) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = chars.slice(0, EVIDENCE_NAME_MAX - [...ext].length).join('') + ext;
  }
  return name || '未命名文件';
}

/** The catalogue entries that can ask for evidence. */
export const EVIDENCE_INDICATORS: readonly Indicator[] = INDICATORS.filter((i) => i.evidence);

/** Whether a value meets a requirement's condition. */
export function evidenceNeeded(when: EvidenceWhen, value: IndicatorValue | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  if ('above' in when) return typeof value === 'number' && value > when.above;
  return when.in.includes(value as string | boolean);
}

/** Whether a county requiring evidence from `from` (null: not at all) requires it for `period`. */
export const evidenceRequiredFor = (from: Period | null, period: Period): boolean => from !== null && period >= from;

/**
 * The findings of a report's evidence: each applicable catalogue entry whose value asks for a file and has none
 * attached to that indicator is an error (blocking) or a warning to explain, like the report's other findings.
 */
export function evidenceFindings(
  values: ReportValues,
  files: readonly { indicator: string | null }[],
  school: Pick<SchoolAttributes, 'type' | 'hasCanteen'>,
): ReportIssue[] {
  const attached = new Set(files.map((f) => f.indicator).filter((c): c is string => c !== null));
  const issues: ReportIssue[] = [];
  for (const ind of EVIDENCE_INDICATORS) {
    const rule = ind.evidence!;
    if (!applies(ind, school) || attached.has(ind.code) || !evidenceNeeded(rule.when, values[ind.code])) continue;
    issues.push({
      code: ind.code,
      rule: 'evidence',
      severity: rule.blocking ? 'error' : 'warning',
      message: rule.blocking
        ? `${ind.name.zh}：请上传${rule.what.zh}作为佐证材料，否则不能报送。`
        : `${ind.name.zh}：建议上传${rule.what.zh}作为佐证材料；如暂无，请填写情况说明。`,
    });
  }
  return issues;
}
