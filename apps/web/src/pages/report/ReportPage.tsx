import { Alert, Button, Group } from '@mantine/core';
import { isEditable, isPeriod } from '@oversight/domain';
import { IconArrowLeft, IconClipboardCheck, IconHistory, IconInfoCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { useCatalogue } from '../../shared/catalogue';
import { evidenceAside, WholeReportEvidence } from '../../shared/evidence/EvidenceAside';
import { useEvidenceList } from '../../shared/evidence/useEvidenceList';
import { Link } from '../../shared/navigation';
import { HistoryModal } from '../../shared/report/HistoryModal';
import { ReportComparison } from '../../shared/report/ReportComparison';
import { ReportHeader } from '../../shared/report/ReportHeader';
import { isOverseer } from '../../shared/roles';
import { useMe } from '../../shared/session';
import { useTRPC, type Catalogue, type ReportView, type School } from '../../shared/trpc';
import { LoadError, PageLoader } from '../../shared/ui/Loading';
import { NotFound } from '../../shared/ui/NotFound';
import { KeptEditsNotice } from './KeptEditsNotice';
import { ReportEditor } from './ReportEditor';

/** A report that cannot be edited in its state: shown beside last year, with its history. */
function ReportReadonly({ report, school, catalogue }: { report: ReportView; school: School; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const me = useMe();
  const [showHistory, setShowHistory] = useState(false);
  const evidence = useEvidenceList(report.schoolId, report.period);
  const bureau = isOverseer(me);
  const message =
    report.status === 'submitted' ? t('report.readonly.submitted') : report.status === 'approved' ? t('report.readonly.approved') : t('report.readonly.bureau');
  return (
    <>
      <ReportHeader
        report={report}
        school={school}
        actions={
          <Group gap="xs">
            {bureau && (
              <Button component={Link} to={`/review/${report.schoolId}/${report.period}`} variant="light" leftSection={<IconClipboardCheck size={16} />}>
                {t('review.open')}
              </Button>
            )}
            <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setShowHistory(true)}>
              {t('report.history')}
            </Button>
          </Group>
        }
      />
      <Alert color={report.status === 'approved' ? 'teal' : 'blue'} icon={<IconInfoCircle size={18} />} mb="sm">
        {message}
      </Alert>
      <KeptEditsNotice schoolId={report.schoolId} period={report.period} />
      <WholeReportEvidence files={evidence.list.data} />
      <ReportComparison report={report} school={school} catalogue={catalogue} aside={evidenceAside(evidence.files)} />
      {showHistory && <HistoryModal schoolId={report.schoolId} period={report.period} catalogue={catalogue} onClose={() => setShowHistory(false)} />}
    </>
  );
}

function ReportLoader({ schoolId, period }: { schoolId: number; period: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const school = useQuery(trpc.schools.get.queryOptions({ schoolId }));
  const catalogue = useCatalogue();
  const report = useQuery(trpc.reports.get.queryOptions({ schoolId, period }));
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  const failed = [school, catalogue, report].find((q) => q.error);
  if (failed) return <LoadError error={failed.error} onRetry={() => void failed.refetch()} />;
  if (!school.data || !catalogue.data || !report.data) return <PageLoader />;

  const editable = isEditable(report.data.status, 'school');
  const back = (
    <Button component={Link} to={isOverseer(me) ? '/completeness' : '/home'} variant="subtle" size="xs" leftSection={<IconArrowLeft size={14} />} mb="xs">
      {isOverseer(me) ? t('nav.completeness') : t('report.backToHome')}
    </Button>
  );
  return (
    <>
      {back}
      {editable ? (
        <ReportEditor
          key={generation}
          report={report.data}
          school={school.data}
          catalogue={catalogue.data}
          notice={notice}
          onConflict={(message) => {
            setNotice(message);
            void report.refetch().then(() => setGeneration((g) => g + 1));
          }}
        />
      ) : (
        <ReportReadonly report={report.data} school={school.data} catalogue={catalogue.data} />
      )}
    </>
  );
}

/** /reports/:schoolId/:period — the form while the report is open, the read-only view once it is not. */
export function ReportPage() {
  const params = useParams();
  const schoolId = Number(params.schoolId);
  const period = params.period ?? '';
  if (!Number.isInteger(schoolId) || schoolId <= 0 || !isPeriod(period)) return <NotFound />;
  return <ReportLoader key={`${schoolId}-${period}`} schoolId={schoolId} period={period} />;
}
