import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { isPeriod } from '@oversight/domain';
import { IconAlertTriangle, IconArrowBackUp, IconArrowLeft, IconCheck, IconHistory, IconLockOpen, IconPencil, IconPlayerTrackNext } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { useCatalogue } from '../../shared/catalogue';
import { useCounty } from '../../shared/county';
import { evidenceAside, WholeReportEvidence } from '../../shared/evidence/EvidenceAside';
import { useEvidenceList } from '../../shared/evidence/useEvidenceList';
import { errorMessage, useNotify } from '../../shared/errors';
import { Link, useNavigate } from '../../shared/navigation';
import { HistoryModal } from '../../shared/report/HistoryModal';
import { ReportComparison } from '../../shared/report/ReportComparison';
import { ReportHeader } from '../../shared/report/ReportHeader';
import { useFigures } from '../../shared/analytics/format';
import { useTRPC, type ReportView } from '../../shared/trpc';
import { LoadError, PageLoader } from '../../shared/ui/Loading';
import { NotFound } from '../../shared/ui/NotFound';
import { ReturnFilePicker } from './evidence/ReviewEvidence';

type ReasonKind = 'return' | 'reopen';

/** Asks for the reason of a return or a reopening; the reason reaches the school's home page. */
function ReasonModal({
  kind,
  loading,
  error,
  onSubmit,
  onClose,
  pick,
}: {
  kind: ReasonKind;
  loading: boolean;
  error: unknown;
  onSubmit: (reason: string) => void;
  onClose: () => void;
  /** Above the reason: what fills it in (the evidence files to name). */
  pick?: (reason: string, setReason: (reason: string) => void) => ReactNode;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const tooShort = reason.trim().length < 2;
  return (
    <Modal opened onClose={onClose} title={t(kind === 'return' ? 'review.returnTitle' : 'review.reopenTitle')} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (!tooShort) onSubmit(reason.trim());
        }}
        noValidate
      >
        <Stack gap="sm">
          {pick?.(reason, setReason)}
          <Textarea
            label={t(kind === 'return' ? 'review.reasonLabel' : 'review.reopenReason')}
            placeholder={t('review.reasonPlaceholder')}
            withAsterisk
            autosize
            minRows={3}
            maxLength={500}
            data-autofocus
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            onBlur={() => setTouched(true)}
            error={touched && tooShort ? t('review.reasonTooShort') : error ? errorMessage(error, t) : undefined}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="orange" loading={loading}>
              {t(kind === 'return' ? 'review.confirmReturn' : 'review.confirmReopen')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ReviewLoader({ schoolId, period }: { schoolId: number; period: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const navigate = useNavigate();
  const { countyId } = useCounty();
  const school = useQuery(trpc.schools.get.queryOptions({ schoolId }));
  const catalogue = useCatalogue();
  const report = useQuery(trpc.reports.get.queryOptions({ schoolId, period }));
  const evidence = useEvidenceList(schoolId, period);
  const queue = useQuery(trpc.reports.reviewQueue.queryOptions({ countyId: countyId ?? 0 }, { enabled: countyId !== null }));
  const [asking, setAsking] = useState<ReasonKind | null>(null);
  const [showHistory, setShowHistory] = useState(false);

  const done = (message: string) => (view: ReportView) => {
    queryClient.setQueryData(trpc.reports.get.queryKey({ schoolId, period }), view);
    void queryClient.invalidateQueries(trpc.reports.pathFilter());
    notify.success(message);
    setAsking(null);
  };
  const approve = useMutation(
    trpc.reports.approve.mutationOptions({
      onSuccess: done(t('review.approved')),
      onError: (error) => {
        notify.error(error);
        void queryClient.invalidateQueries(trpc.reports.get.queryFilter({ schoolId, period }));
      },
    }),
  );
  const giveBack = useMutation(trpc.reports.returnForRevision.mutationOptions({ onSuccess: done(t('review.returned')) }));
  const reopen = useMutation(trpc.reports.reopen.mutationOptions({ onSuccess: done(t('review.reopened')) }));

  const failed = [school, catalogue, report].find((q) => q.error);
  if (failed) return <LoadError error={failed.error} onRetry={() => void failed.refetch()} />;
  if (!school.data || !catalogue.data || !report.data) return <PageLoader />;
  const r = report.data;
  const next = queue.data?.find((item) => !(item.schoolId === schoolId && item.period === period));
  const warnings = r.issues.filter((i) => i.severity === 'warning').length;
  const errors = r.issues.filter((i) => i.severity === 'error').length;
  const busy = approve.isPending || giveBack.isPending || reopen.isPending;

  const actions = (
    <Group gap="xs">
      {r.status === 'submitted' && (
        <>
          <Button
            color="teal"
            leftSection={<IconCheck size={16} />}
            loading={approve.isPending}
            disabled={busy}
            onClick={() => approve.mutate({ schoolId, period, version: r.version })}
          >
            {t('review.approve')}
          </Button>
          <Button color="orange" variant="light" leftSection={<IconArrowBackUp size={16} />} disabled={busy} onClick={() => setAsking('return')}>
            {t('review.return')}
          </Button>
        </>
      )}
      {r.status === 'approved' && (
        <Button color="orange" variant="light" leftSection={<IconLockOpen size={16} />} disabled={busy} onClick={() => setAsking('reopen')}>
          {t('review.reopen')}
        </Button>
      )}
      {(r.status === 'draft' || r.status === 'returned') && (
        <Button component={Link} to={`/reports/${schoolId}/${period}`} variant="light" leftSection={<IconPencil size={16} />}>
          {t('review.editOnBehalf')}
        </Button>
      )}
      <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setShowHistory(true)}>
        {t('report.history')}
      </Button>
      {next && r.status !== 'submitted' && (
        <Button variant="subtle" rightSection={<IconPlayerTrackNext size={16} />} onClick={() => navigate(`/review/${next.schoolId}/${next.period}`)}>
          {t('review.next')}
        </Button>
      )}
    </Group>
  );

  return (
    <>
      <Button component={Link} to="/review" variant="subtle" size="xs" leftSection={<IconArrowLeft size={14} />} mb="xs">
        {t('nav.reviewQueue')}
      </Button>
      <ReportHeader report={r} school={school.data} actions={actions} />
      {r.version === 0 ? (
        <Alert color="gray" mb="sm">
          {t('review.missing')}
        </Alert>
      ) : (
        <>
          {r.status === 'returned' && r.returnReason && (
            <Alert color="orange" mb="sm">
              {t('report.returned', { reason: r.returnReason })}
            </Alert>
          )}
          {(warnings > 0 || errors > 0) && (
            <Alert color={errors > 0 ? 'red' : 'yellow'} icon={<IconAlertTriangle size={18} />} mb="sm">
              {[errors > 0 ? t('report.summaryErrors', { count: errors }) : null, warnings > 0 ? t('review.warningCount', { count: warnings }) : null]
                .filter(Boolean)
                .join(t('common.listSeparator'))}
              {t('common.fullStop')}
              {t('review.warningRows')}
            </Alert>
          )}
          <OutlierWarning schoolId={schoolId} year={Number(period.slice(0, 4))} />
          <WholeReportEvidence files={evidence.list.data} />
          <ReportComparison report={r} school={school.data} catalogue={catalogue.data} aside={evidenceAside(evidence.files)} />
        </>
      )}
      {asking && (
        <ReasonModal
          kind={asking}
          loading={giveBack.isPending || reopen.isPending}
          error={asking === 'return' ? giveBack.error : reopen.error}
          onClose={() => setAsking(null)}
          pick={
            asking === 'return'
              ? (reason, setReason) => <ReturnFilePicker files={evidence.files} catalogue={catalogue.data} reason={reason} onReason={setReason} />
              : undefined
          }
          onSubmit={(reason) =>
            asking === 'return' ? giveBack.mutate({ schoolId, period, version: r.version, reason }) : reopen.mutate({ schoolId, period, reason })
          }
        />
      )}
      {showHistory && <HistoryModal schoolId={schoolId} period={period} catalogue={catalogue.data} onClose={() => setShowHistory(false)} />}
    </>
  );
}

/** /review/:schoolId/:period — the officer's view of one report: beside last year, warnings highlighted, one-click decisions. */
export function ReviewPage() {
  const params = useParams();
  const schoolId = Number(params.schoolId);
  const period = params.period ?? '';
  if (!Number.isInteger(schoolId) || schoolId <= 0 || !isPeriod(period)) return <NotFound />;
  return <ReviewLoader key={`${schoolId}-${period}`} schoolId={schoolId} period={period} />;
}

/**
 * A warning on a report whose school sits far outside the fair comparison's model this year (its approved figures so
 * far): possibly a data error to check before approving. A warning, never a verdict.
 */
function OutlierWarning({ schoolId, year }: { schoolId: number; year: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const catalogue = useCatalogue();
  const figures = useFigures(catalogue.data);
  const expectations = useQuery(trpc.analytics.schoolExpectations.queryOptions({ schoolId, toYear: year, years: 1 }));
  const outliers = (expectations.data ?? []).filter((e) => e.outlier && e.actual !== null && e.expected !== null);
  if (!outliers.length) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} mb="sm" data-testid="outlier-warning">
      {outliers.map((e) => (
        <div key={e.indicator}>
          {t('fair.reviewWarning', {
            year: e.year,
            name: figures.name(e.indicator),
            actual: figures.value(e.indicator, e.actual),
            expected: figures.value(e.indicator, e.expected),
          })}
        </div>
      ))}
    </Alert>
  );
}
