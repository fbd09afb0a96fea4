import { Badge, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import type { Figure } from '@oversight/domain';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { MetBadge } from '../../shared/analytics/MetBadge';
import { usePeriodLabel } from '../../shared/periods';

const SHOWN_NAMES = 30;
const PLACEHOLDER = /\{\{fig:([A-Za-z0-9_-]+)\}\}/g;

/** Where a figure comes from: which indicator, which quarters, which schools, how it was computed. */
function FigureSource({ figure, schoolName, indicatorName }: { figure: Figure; schoolName: (id: number) => string; indicatorName: (code: string) => string }) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  const s = figure.source;
  const names = s.schoolIds.map(schoolName);
  return (
    <Stack gap={4} maw={420}>
      <Text size="sm" fw={600}>
        {figure.label}
        {t('common.colon')}
        {figure.text}
      </Text>
      {figure.target && (
        <Text size="xs" component="div">
          <MetBadge met={figure.target.met} size="xs" /> {figure.target.label}
        </Text>
      )}
      <Text size="xs">
        <b>{t('summaries.source.method')}</b>
        {t('common.colon')}
        {s.description}
      </Text>
      {s.indicator && (
        <Text size="xs">
          <b>{t('summaries.source.indicator')}</b>
          {t('common.colon')}
          {indicatorName(s.indicator)}
        </Text>
      )}
      <Text size="xs">
        <b>{t('summaries.source.periods')}</b>
        {t('common.colon')}
        {s.periods.map(periodLabel).join(t('common.listSeparator'))}
        {s.comparedPeriods?.length
          ? t('common.parenthesized', { text: t('summaries.source.compared', { periods: s.comparedPeriods.map(periodLabel).join(t('common.listSeparator')) }) })
          : ''}
      </Text>
      <Text size="xs">
        <b>{t('summaries.source.statuses')}</b>
        {t('common.colon')}
        {t('summaries.source.approvedOnly')}
      </Text>
      <Text size="xs">
        <b>{t('summaries.source.schools', { count: names.length })}</b>
        {t('common.colon')}
        {names.slice(0, SHOWN_NAMES).join(t('common.listSeparator'))}
        {names.length > SHOWN_NAMES ? t('summaries.source.more', { count: names.length - SHOWN_NAMES }) : ''}
      </Text>
    </Stack>
  );
}

export interface FigureContext {
  figures: Record<string, Figure>;
  schoolName: (id: number) => string;
  indicatorName: (code: string) => string;
}

/** A figure inside the text: reads as its value, opens its source on click; prints as plain text. */
export function FigureChip({ id, context }: { id: string; context: FigureContext }) {
  const { t } = useTranslation();
  const figure = context.figures[id];
  if (!figure)
    return (
      <Badge color="red" variant="light" radius="sm">
        {t('summaries.missingFigure', { id })}
      </Badge>
    );
  return (
    <Popover width={440} position="bottom-start" shadow="md" withArrow>
      <Popover.Target>
        <UnstyledButton component="span" className="summary-figure" aria-label={t('summaries.figureSource', { label: figure.label })} data-figure={id}>
          {figure.text}
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <FigureSource figure={figure} schoolName={context.schoolName} indicatorName={context.indicatorName} />
      </Popover.Dropdown>
    </Popover>
  );
}

/** A paragraph as read: plain text with its figures as chips. */
export function LinkedText({ text, context }: { text: string; context: FigureContext }) {
  const parts: (string | { id: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    parts.push({ id: m[1]! });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>{typeof p === 'string' ? p : <FigureChip id={p.id} context={context} />}</Fragment>
      ))}
    </>
  );
}
