import { PasswordInput, Select, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { creatableRoles, passwordResetInput, ROLE_LABELS, userCreateInput, type Role } from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { useCounty } from '../../shared/county';
import { errorMessage, useFormError, useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { FormModal } from '../../shared/ui/FormModal';

interface CreateValues {
  role: Role | '';
  username: string;
  displayName: string;
  password: string;
  schoolId: number | undefined;
  orgUnitId: number | undefined;
}

const checkCreate = schemaResolver(userCreateInput, { sync: true });
const checkReset = schemaResolver(passwordResetInput, { sync: true });

/** Opens an account: a school's (principal) bound to a school, or a bureau account bound to a county. */
export function CreateAccountModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { countyId, counties } = useCounty();
  const roles = creatableRoles(me.role);
  const form = useForm<CreateValues>({
    initialValues: {
      role: roles.includes('principal') ? 'principal' : (roles[0] ?? ''),
      username: '',
      displayName: '',
      password: '',
      schoolId: undefined,
      orgUnitId: countyId ?? undefined,
    },
    validateInputOnBlur: true,
    validate: (values) => {
      const errors = checkCreate(values);
      if (values.role === 'principal' && !values.schoolId) errors.schoolId = t('accounts.schoolPlaceholder');
      if ((values.role === 'bureau_admin' || values.role === 'bureau_officer') && !values.orgUnitId) errors.orgUnitId = t('accounts.unitPlaceholder');
      return errors;
    },
  });
  const schools = useQuery(trpc.schools.list.queryOptions({ countyId: countyId ?? undefined }, { enabled: form.values.role === 'principal' }));
  const onSuccess = (user: { username: string }) => {
    void queryClient.invalidateQueries(trpc.users.pathFilter());
    notify.success(t('accounts.created', { username: user.username }));
    onClose();
  };
  const onError = useFormError(form);
  const createPrincipal = useMutation(trpc.users.createPrincipal.mutationOptions({ onSuccess, onError }));
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess, onError }));
  const role = form.values.role;

  const submit = form.onSubmit((values) => {
    const input = userCreateInput.parse(values);
    if (input.role === 'principal')
      createPrincipal.mutate({ schoolId: input.schoolId!, username: input.username, displayName: input.displayName, password: input.password });
    else create.mutate(input.role === 'system_admin' ? { ...input, orgUnitId: undefined, schoolId: undefined } : { ...input, schoolId: undefined });
  });

  return (
    <FormModal title={t('accounts.createTitle')} size="md" onSubmit={submit} onClose={onClose} loading={create.isPending || createPrincipal.isPending}>
      <Select
        label={t('accounts.role')}
        withAsterisk
        allowDeselect={false}
        data={roles.map((r) => ({ value: r, label: label(ROLE_LABELS[r]) }))}
        {...form.getInputProps('role')}
      />
      {role === 'principal' && (
        <Select
          label={t('accounts.school')}
          placeholder={t('accounts.schoolPlaceholder')}
          withAsterisk
          searchable
          data={(schools.data ?? []).map((s) => ({ value: String(s.id), label: `${s.name}${t('common.parenthesized', { text: s.code })}` }))}
          value={form.values.schoolId ? String(form.values.schoolId) : null}
          onChange={(v) => {
            form.setFieldValue('schoolId', v ? Number(v) : undefined);
            const school = schools.data?.find((s) => String(s.id) === v);
            if (school && !form.values.username) form.setFieldValue('username', school.code);
          }}
          error={form.errors.schoolId}
        />
      )}
      {(role === 'bureau_admin' || role === 'bureau_officer') && (
        <Select
          label={t('accounts.unit')}
          placeholder={t('accounts.unitPlaceholder')}
          withAsterisk
          data={counties.map((c) => ({ value: String(c.id), label: c.name }))}
          value={form.values.orgUnitId ? String(form.values.orgUnitId) : null}
          onChange={(v) => form.setFieldValue('orgUnitId', v ? Number(v) : undefined)}
          error={form.errors.orgUnitId}
        />
      )}
      <TextInput label={t('accounts.username')} withAsterisk autoComplete="off" {...form.getInputProps('username')} />
      <TextInput label={t('accounts.displayName')} withAsterisk {...form.getInputProps('displayName')} />
      <PasswordInput
        label={t('accounts.password')}
        description={t('accounts.passwordHint')}
        withAsterisk
        autoComplete="new-password"
        {...form.getInputProps('password')}
      />
    </FormModal>
  );
}

/** Sets a new password; the server signs the account out everywhere. */
export function ResetPasswordModal({ user, onClose }: { user: { id: number; username: string; displayName: string }; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const notify = useNotify();
  const form = useForm({
    initialValues: { userId: user.id, password: '' },
    validateInputOnBlur: true,
    validate: (values) => checkReset(values),
  });
  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: () => {
        notify.success(t('accounts.reset', { username: user.username }));
        onClose();
      },
      onError: (error) => form.setFieldError('password', errorMessage(error, t)),
    }),
  );
  return (
    <FormModal
      title={t('accounts.resetTitle', { name: user.displayName })}
      size="sm"
      onSubmit={form.onSubmit((values) => reset.mutate(values))}
      onClose={onClose}
      loading={reset.isPending}
      submitLabel={t('accounts.resetPassword')}
    >
      <PasswordInput
        label={t('accounts.newPassword')}
        description={t('accounts.passwordHint')}
        withAsterisk
        autoComplete="new-password"
        {...form.getInputProps('password')}
      />
    </FormModal>
  );
}
