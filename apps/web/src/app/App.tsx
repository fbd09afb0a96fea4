import { MantineProvider } from '@mantine/core';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { createClient, errorCode, TRPCProvider } from '../shared/trpc';
import { AppRoutes } from './routes';
import { theme } from './theme';

const NO_RETRY = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST', 'CONFLICT', 'TOO_MANY_REQUESTS']);

/** One query client and tRPC client per page load; an expired session anywhere sends the user to sign-in. */
function createClients() {
  const trpcClient = createClient();
  const queryClient: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => count < 2 && !NO_RETRY.has(errorCode(error) ?? ''),
      },
    },
    queryCache: new QueryCache({
      onError: (error) => {
        if (errorCode(error) === 'UNAUTHORIZED') queryClient.setQueryData(trpc.auth.me.queryKey(), null);
      },
    }),
  });
  const trpc = createTRPCOptionsProxy({ client: trpcClient, queryClient });
  return { trpcClient, queryClient };
}

export function App() {
  const [{ trpcClient, queryClient }] = useState(createClients);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <AppRoutes />
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
