import { evidenceFindings, evidenceNeeded, evidenceRequiredFor, type Period, type ReportIssue, type ReportValues } from '@oversight/domain';
import { useMemo } from 'react';
import { useEvidenceList } from '../../../shared/evidence/useEvidenceList';
import type { Indicator, ReportView, School } from '../../../shared/trpc';
import { toStoredValue, type FieldValue } from '../useReportDraft';

/** The form's values as they would be stored (numbers being typed as numbers; unfinished ones left out). */
function storedValues(inputs: readonly Indicator[], values: Record<string, FieldValue>): ReportValues {
  const stored: ReportValues = {};
  for (const indicator of inputs) {
    const v = toStoredValue(indicator, values[indicator.code]);
    if (v !== undefined && v !== null) stored[indicator.code] = v;
  }
  return stored;
}

/**
 * The report's evidence findings for the figures as typed and the files as attached now, with the domain's own rule (`evidenceFindings`),
 * when the county requires evidence for the quarter: a blocking one is an error, the others warnings to explain. Until the list of
 * files has loaded, the findings the server gave with the report.
 */
export function useEvidenceFindings(report: ReportView, school: School, inputs: readonly Indicator[], values: Record<string, FieldValue>): ReportIssue[] {
  const { list } = useEvidenceList(report.schoolId, report.period);
  return useMemo(() => {
    if (!evidenceRequiredFor(report.evidenceFrom, report.period as Period)) return [];
    if (!list.data) return report.issues.filter((i) => i.rule === 'evidence');
    return evidenceFindings(storedValues(inputs, values), list.data, school);
  }, [report.evidenceFrom, report.period, report.issues, list.data, inputs, values, school]);
}

/** Whether the indicator's figure, as typed, is one its catalogue entry wants a file behind (required by the county or not). */
export function wantsEvidence(indicator: Indicator, value: FieldValue | undefined): boolean {
  return indicator.evidence !== undefined && evidenceNeeded(indicator.evidence.when, toStoredValue(indicator, value));
}
