import { Alert, Anchor, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconKey, IconShieldCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NAVY } from '../../app/theme';
import { useNotify } from '../../shared/errors';
import { useMe, useSetSession } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { LanguageSwitch } from '../../shared/ui/LanguageSwitch';
import { ChangePasswordForm } from './ChangePasswordForm';

/**
 * All an account sees while its password is one someone else chose (an account slip, an admin's reset): the server
 * refuses everything else until it is changed, so the app shows only this form (and a way to sign out).
 */
export function FirstPasswordPage() {
  const { t } = useTranslation();
  const me = useMe();
  const trpc = useTRPC();
  const setSession = useSetSession();
  const notify = useNotify();
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSuccess: () => setSession(null), onError: notify.error }));
  return (
    <Box mih="100vh" style={{ background: `linear-gradient(180deg, ${NAVY} 0, ${NAVY} 200px, #f3f5f8 200px)` }}>
      <Group justify="space-between" p="md" wrap="nowrap">
        <Group gap="xs" c="white" wrap="nowrap">
          <IconShieldCheck size={24} />
          <Text c="white" fw={600} truncate>
            {t('app.title')}
          </Text>
        </Group>
        <LanguageSwitch variant="header" />
      </Group>
      <Center px="sm">
        <Paper p="lg" shadow="sm" w="100%" maw={440}>
          <Stack gap="md">
            <Title order={1} size="h4">
              {t('password.firstTitle')}
            </Title>
            <Alert color="blue" icon={<IconKey size={18} />}>
              {t('password.firstExplained', { name: me.displayName, username: me.username })}
            </Alert>
            <ChangePasswordForm onDone={() => notify.success(t('password.changed'))} />
            <Text size="sm" c="dimmed">
              {t('password.notYou')}{' '}
              <Anchor component="button" type="button" size="sm" onClick={() => logout.mutate()}>
                {t('auth.signOut')}
              </Anchor>
            </Text>
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
