import { findIndicator } from '@oversight/domain';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import type { Indicator } from '../../shared/trpc';
import type { Section } from './pendingEdits';

/** How a field of the form is named to the principal: the indicator's name, or “…的情况说明” for its explanation. */
export function useFieldName(inputs: readonly Indicator[]): (field: { section: Section; code: string }) => string {
  const { t } = useTranslation();
  const label = useLabel();
  return useCallback(
    (field) => {
      const indicator = inputs.find((i) => i.code === field.code) ?? findIndicator(field.code);
      const name = indicator ? label(indicator.name) : field.code;
      return field.section === 'values' ? name : t('draftSync.explanationOf', { name });
    },
    [inputs, label, t],
  );
}
