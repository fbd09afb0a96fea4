import { Button, Group, Modal, Stack, type ModalProps } from '@mantine/core';
import type { FormEventHandler, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A form in a dialog: the fields in a column, then Cancel and the submit button. The browser's own validation is
 * off; the form checks its fields with the domain's rules and shows the server's messages.
 */
export function FormModal({
  title,
  size,
  onSubmit,
  onClose,
  loading,
  submitLabel,
  children,
}: {
  title: ReactNode;
  size: ModalProps['size'];
  onSubmit: FormEventHandler<HTMLFormElement>;
  onClose: () => void;
  loading: boolean;
  submitLabel?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={title} size={size}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {children}
          <Group justify="flex-end" gap="xs" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={loading}>
              {submitLabel ?? t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
