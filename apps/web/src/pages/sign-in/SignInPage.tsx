import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconShieldCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect } from 'wouter';
import { NAVY } from '../../app/theme';
import { errorMessage } from '../../shared/errors';
import { useNavigate, useSignInState } from '../../shared/navigation';
import { homePath, useSession, useSetSession } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { LanguageSwitch } from '../../shared/ui/LanguageSwitch';

export function SignInPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const session = useSession();
  const setSession = useSetSession();
  const navigate = useNavigate();
  const state = useSignInState();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ username?: string; password?: string }>({});
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (user) => {
        setSession(user);
        navigate(state?.from && state.from !== '/login' ? state.from : homePath(user.role), { replace: true });
      },
      onError: () => setPassword(''),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      ...(username.trim() ? {} : { username: t('auth.usernameRequired') }),
      ...(password ? {} : { password: t('auth.passwordRequired') }),
    };
    setMissing(problems);
    if (!problems.username && !problems.password) login.mutate({ username: username.trim(), password });
  };

  if (session.data) return <Redirect to={homePath(session.data.role)} replace />;

  return (
    <Box mih="100vh" style={{ background: `linear-gradient(180deg, ${NAVY} 0, ${NAVY} 220px, #f3f5f8 220px)` }}>
      <Group justify="flex-end" p="md">
        <LanguageSwitch variant="header" />
      </Group>
      <Center px="md">
        <Stack w={400} gap="lg">
          <Stack gap={4} align="center">
            <Group gap="xs" c="white">
              <IconShieldCheck size={28} />
              <Title order={1} size="h2" c="white">
                {t('app.title')}
              </Title>
            </Group>
            <Text c="gray.3" size="sm">
              {t('app.subtitle')}
            </Text>
          </Stack>
          <Paper p="xl" shadow="sm">
            <form onSubmit={submit} noValidate>
              <Stack gap="md">
                <Title order={2} size="h4">
                  {t('auth.heading')}
                </Title>
                {state?.signedOut && !login.error && (
                  <Alert color="teal" icon={<IconCircleCheck size={18} />}>
                    {t('auth.signedOut')}
                  </Alert>
                )}
                {login.error && (
                  <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
                    {errorMessage(login.error, t)}
                  </Alert>
                )}
                <TextInput
                  label={t('auth.username')}
                  autoComplete="username"
                  autoFocus
                  value={username}
                  error={missing.username}
                  onChange={(e) => setUsername(e.currentTarget.value)}
                />
                <PasswordInput
                  label={t('auth.password')}
                  autoComplete="current-password"
                  visibilityToggleButtonProps={{ 'aria-label': t('auth.toggleVisibility') }}
                  value={password}
                  error={missing.password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                />
                <Button type="submit" fullWidth loading={login.isPending}>
                  {t('auth.signIn')}
                </Button>
                <Text size="xs" c="dimmed">
                  {t('auth.hint')}
                </Text>
              </Stack>
            </form>
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
