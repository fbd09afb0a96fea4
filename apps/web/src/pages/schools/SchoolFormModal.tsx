import { Checkbox, Group, NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import {
  LOCATION_LABELS,
  options,
  OWNERSHIP_LABELS,
  SCHOOL_TYPE_LABELS,
  schoolCodeProblem,
  schoolFields,
  type Location,
  type Ownership,
  type SchoolType,
} from '@oversight/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import type { County } from '../../shared/county';
import { useFormError, useNotify } from '../../shared/errors';
import { useTRPC, type School } from '../../shared/trpc';
import { FormModal } from '../../shared/ui/FormModal';

interface FormValues {
  code: string;
  name: string;
  type: SchoolType | '';
  ownership: Ownership | '';
  location: Location | '';
  boarding: boolean;
  buildingAreaM2: number | string;
  siteAreaM2: number | string;
  hasCanteen: boolean;
  townshipId: number | null;
  contactName: string;
  contactPhone: string;
}

const blank: FormValues = {
  code: '',
  name: '',
  type: '',
  ownership: 'public',
  location: '',
  boarding: false,
  buildingAreaM2: '',
  siteAreaM2: '',
  hasCanteen: true,
  townshipId: null,
  contactName: '',
  contactPhone: '',
};

const fromSchool = (s: School): FormValues => ({
  code: s.code,
  name: s.name,
  type: s.type,
  ownership: s.ownership,
  location: s.location,
  boarding: s.boarding,
  buildingAreaM2: s.buildingAreaM2,
  siteAreaM2: s.siteAreaM2,
  hasCanteen: s.hasCanteen,
  townshipId: s.townshipId,
  contactName: s.contactName ?? '',
  contactPhone: s.contactPhone ?? '',
});

const checkFields = schemaResolver(schoolFields, { sync: true });

/** Creates or edits a school; the same zod schema as the server checks every field inline, plus the identifier rule. */
export function SchoolFormModal({ school, county, onClose }: { school: School | null; county: County; onClose: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const form = useForm<FormValues>({
    initialValues: school ? fromSchool(school) : blank,
    validateInputOnBlur: true,
    validate: (values) => {
      const errors = checkFields(values);
      if (!errors.code && values.type) {
        const problem = schoolCodeProblem(values.code.trim(), values.type, county.code);
        if (problem) errors.code = problem;
      }
      return errors;
    },
  });

  const onSuccess = (saved: { name: string }) => {
    void queryClient.invalidateQueries(trpc.schools.pathFilter());
    notify.success(t(school ? 'schools.updated' : 'schools.created', { name: saved.name }));
    onClose();
  };
  const onError = useFormError(form);
  const create = useMutation(trpc.schools.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.schools.update.mutationOptions({ onSuccess, onError }));

  const submit = form.onSubmit((values) => {
    const fields = schoolFields.parse(values);
    if (school) update.mutate({ ...fields, schoolId: school.id });
    else create.mutate({ ...fields, countyId: county.id });
  });

  const select = <K extends string>(table: Record<K, { zh: string; en: string }>) => options(table).map((o) => ({ value: o.value, label: label(o.label) }));

  return (
    <FormModal
      title={t(school ? 'schools.editTitle' : 'schools.createTitle')}
      size="lg"
      onSubmit={submit}
      onClose={onClose}
      loading={create.isPending || update.isPending}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label={t('schools.name')} withAsterisk {...form.getInputProps('name')} />
        <TextInput
          label={t('schools.code')}
          description={t('schools.codeHint')}
          withAsterisk
          inputMode="numeric"
          maxLength={10}
          {...form.getInputProps('code')}
        />
        <Select label={t('schools.type')} withAsterisk data={select(SCHOOL_TYPE_LABELS)} {...form.getInputProps('type')} />
        <Select label={t('schools.ownership')} withAsterisk data={select(OWNERSHIP_LABELS)} {...form.getInputProps('ownership')} />
        <Select label={t('schools.location')} withAsterisk data={select(LOCATION_LABELS)} {...form.getInputProps('location')} />
        <Select
          label={t('schools.township')}
          clearable
          placeholder={t('schools.townshipNone')}
          data={county.townships.map((tw) => ({ value: String(tw.id), label: tw.name }))}
          value={form.values.townshipId === null ? null : String(form.values.townshipId)}
          onChange={(v) => form.setFieldValue('townshipId', v ? Number(v) : null)}
        />
        <NumberInput label={t('schools.buildingArea')} withAsterisk min={0} thousandSeparator="," hideControls {...form.getInputProps('buildingAreaM2')} />
        <NumberInput label={t('schools.siteArea')} withAsterisk min={0} thousandSeparator="," hideControls {...form.getInputProps('siteAreaM2')} />
        <TextInput label={t('schools.contactName')} maxLength={20} {...form.getInputProps('contactName')} />
        <TextInput label={t('schools.contactPhone')} inputMode="tel" maxLength={13} {...form.getInputProps('contactPhone')} />
      </SimpleGrid>
      <Group gap="xl">
        <Checkbox label={t('schools.boarding')} {...form.getInputProps('boarding', { type: 'checkbox' })} />
        <Checkbox label={t('schools.hasCanteen')} {...form.getInputProps('hasCanteen', { type: 'checkbox' })} />
      </Group>
    </FormModal>
  );
}
