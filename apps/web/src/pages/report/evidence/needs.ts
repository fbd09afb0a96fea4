import type { EvidenceFile } from '../../../shared/evidence/files';
import type { Indicator, ReportView, School } from '../../../shared/trpc';
import type { FieldIssue } from '../IndicatorField';
import type { FieldValue } from '../useReportDraft';

/**
 * What evidence the report still needs, per indicator. Provisional: the findings the server gave the report (rule `evidence`) and the
 * catalogue entries that carry an evidence rule.
 */
export function useEvidenceNeeds(report: ReportView, _school: School, _values: Record<string, FieldValue>, _files: readonly EvidenceFile[]) {
  const byCode = new Map<string, FieldIssue[]>();
  for (const issue of report.issues) {
    if ((issue.rule as string) !== 'evidence') continue;
    byCode.set(issue.code, [...(byCode.get(issue.code) ?? []), { severity: issue.severity, message: issue.message }]);
  }
  return {
    takesEvidence: (indicator: Indicator) => (indicator as { evidence?: unknown }).evidence != null || byCode.has(indicator.code),
    of: (code: string): readonly FieldIssue[] => byCode.get(code) ?? [],
  };
}
