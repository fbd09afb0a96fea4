import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isAppError } from './trpc';

/**
 * What to tell the user about a failure: the server's own message (Chinese, naming the field and the rule)
 * when there is one, otherwise a plain network or generic message.
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (isAppError(error)) return error.data ? error.message : t('errors.network');
  return t('errors.unknown');
}

/** Per-field messages the server attached to a BAD_REQUEST (zod issues or a report's findings). */
export function fieldIssues(error: unknown): { path: string; message: string }[] {
  if (!isAppError(error)) return [];
  return error.data?.issues ?? [];
}

/**
 * What a form does with a failed save: the server's message under the field it names when the form has that field,
 * otherwise a notification.
 */
export function useFormError(form: { values: object; setFieldError: (field: string, message: string) => void }) {
  const { t } = useTranslation();
  const notify = useNotify();
  return (error: unknown) => {
    const field = isAppError(error) ? error.data?.field : null;
    if (field && field in form.values) form.setFieldError(field, errorMessage(error, t));
    else notify.error(error);
  };
}

export function useNotify() {
  const { t } = useTranslation();
  return {
    error: (error: unknown) => notifications.show({ color: 'red', title: t('errors.title'), message: errorMessage(error, t), autoClose: 8000 }),
    success: (message: string) => notifications.show({ color: 'teal', message, autoClose: 4000 }),
    info: (message: string) => notifications.show({ color: 'blue', message, autoClose: 8000 }),
    warning: (message: string) => notifications.show({ color: 'orange', message, autoClose: 10000 }),
  };
}
