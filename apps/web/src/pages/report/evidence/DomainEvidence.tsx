import { useLabel } from '../../../i18n/labels';
import type { DomainGroup } from '../../../shared/catalogue';
import { useEvidenceList } from '../../../shared/evidence/useEvidenceList';
import type { Catalogue, ReportView } from '../../../shared/trpc';
import type { FieldValue } from '../useReportDraft';
import { EvidencePanel } from './EvidencePanel';
import type { ReportIssue } from '@oversight/domain';
import { wantsEvidence } from './needs';

/**
 * The evidence part of one tab of the report form: a slot for each of the domain's indicators whose figure wants a file (by its catalogue
 * entry) or has one, with what is still missing, and the domain's own files. Nothing for the basics tab.
 */
export function DomainEvidence({
  report,
  group,
  catalogue,
  values,
  findings,
  editable,
}: {
  report: ReportView;
  group: DomainGroup;
  catalogue: Catalogue;
  values: Record<string, FieldValue>;
  /** The form's evidence findings (all domains; computed once by the form). */
  findings: readonly ReportIssue[];
  editable: boolean;
}) {
  const label = useLabel();
  const { files, refresh } = useEvidenceList(report.schoolId, report.period);
  if (group.domain === 'basics') return null;
  const indicators = group.inputs.filter((i) => wantsEvidence(i, values[i.code]) || files.some((f) => f.indicator === i.code));
  return (
    <EvidencePanel
      schoolId={report.schoolId}
      period={report.period}
      domain={group.domain}
      domainName={label(catalogue.domains[group.domain])}
      indicators={indicators}
      choices={group.inputs}
      files={files}
      needs={(code) => findings.filter((f) => f.code === code)}
      editable={editable}
      onChanged={refresh}
    />
  );
}
