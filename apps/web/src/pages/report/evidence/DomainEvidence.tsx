import { useLabel } from '../../../i18n/labels';
import type { DomainGroup } from '../../../shared/catalogue';
import { useEvidenceList } from '../../../shared/evidence/useEvidenceList';
import type { Catalogue, ReportView, School } from '../../../shared/trpc';
import type { FieldValue } from '../useReportDraft';
import { EvidencePanel } from './EvidencePanel';
import { useEvidenceNeeds } from './needs';

/**
 * The evidence part of one tab of the report form: the domain's indicators that the catalogue asks evidence for (or that have files),
 * each with what is still missing for the figures as typed, and the domain's own files. Nothing for the basics tab.
 */
export function DomainEvidence({
  report,
  school,
  group,
  catalogue,
  values,
  editable,
}: {
  report: ReportView;
  school: School;
  group: DomainGroup;
  catalogue: Catalogue;
  values: Record<string, FieldValue>;
  editable: boolean;
}) {
  const label = useLabel();
  const { files, refresh } = useEvidenceList(report.schoolId, report.period);
  const needs = useEvidenceNeeds(report, school, values, files);
  if (group.domain === 'basics') return null;
  const indicators = group.inputs.filter((i) => needs.takesEvidence(i) || files.some((f) => f.indicator === i.code));
  return (
    <EvidencePanel
      schoolId={report.schoolId}
      period={report.period}
      domain={group.domain}
      domainName={label(catalogue.domains[group.domain])}
      indicators={indicators}
      choices={group.inputs}
      files={files}
      needs={needs.of}
      editable={editable}
      onChanged={refresh}
    />
  );
}
