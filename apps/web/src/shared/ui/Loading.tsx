import { Alert, Button, Center, Group, Loader, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../errors';

export function PageLoader({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" />
        <Text c="dimmed" size="sm">
          {label ?? t('common.loading')}
        </Text>
      </Group>
    </Center>
  );
}

/** A failed load: the server's message and a retry button. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('errors.loadFailed')} my="md">
      <Text size="sm">{errorMessage(error, t)}</Text>
      {onRetry && (
        <Button size="xs" variant="white" color="red" mt="xs" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}

/** A query's failure above what shows its (possibly earlier) data, with a retry button; nothing while it is fine. */
export function QueryError({ query }: { query: { error: unknown; refetch: () => unknown } }) {
  return query.error ? <LoadError error={query.error} onRetry={() => void query.refetch()} /> : null;
}

/** Loading and error states for a query: renders children only once data is there. */
export function QueryState<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  children: (data: T) => React.ReactNode;
}) {
  if (query.error && query.data === undefined) return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <PageLoader />;
  return children(query.data);
}
