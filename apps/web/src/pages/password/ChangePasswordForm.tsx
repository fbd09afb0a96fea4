import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { changePasswordInput } from '@oversight/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormError } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';

const checkChange = schemaResolver(changePasswordInput, { sync: true });

/**
 * The signed-in user's own password: the current one, the new one twice. The rules are the domain's (checked here
 * as the user types, and again by the server, which also refuses the account's own username or school identifier).
 * On success the session stays and the account no longer needs a change.
 */
export function ChangePasswordForm({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', repeated: '' },
    validateInputOnBlur: true,
    validate: (values) => {
      const errors = checkChange(values);
      if (values.repeated !== values.newPassword) errors.repeated = t('password.repeatDiffers');
      return errors;
    },
  });
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), (current) => current && { ...current, mustChangePassword: false });
        onDone();
      },
      onError: useFormError(form),
    }),
  );
  return (
    <form onSubmit={form.onSubmit(({ currentPassword, newPassword }) => change.mutate({ currentPassword, newPassword }))} noValidate>
      <Stack gap="sm">
        {/* A hidden username lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={me.username} readOnly hidden />
        <PasswordInput
          label={t('password.current')}
          withAsterisk
          autoComplete="current-password"
          visibilityToggleButtonProps={{ 'aria-label': t('auth.toggleVisibility') }}
          {...form.getInputProps('currentPassword')}
        />
        <PasswordInput
          label={t('password.new')}
          description={t('password.rules')}
          withAsterisk
          autoComplete="new-password"
          visibilityToggleButtonProps={{ 'aria-label': t('auth.toggleVisibility') }}
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          label={t('password.repeat')}
          withAsterisk
          autoComplete="new-password"
          visibilityToggleButtonProps={{ 'aria-label': t('auth.toggleVisibility') }}
          {...form.getInputProps('repeated')}
        />
        <Group justify="flex-end" gap="xs" mt="xs">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={change.isPending}>
            {t('password.change')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
