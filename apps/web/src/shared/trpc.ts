import type { AppRouter } from '@oversight/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext, type inferOutput, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Same-origin tRPC over HTTP: queries are GETs, mutations JSON POSTs (what the server's CSRF rule demands). */
export function createClient() {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: '/trpc', transformer: superjson, maxURLLength: 2000 })],
  });
}

/** The API's answers under the names pages use (types only: nothing here adds to the first page). */
type Api = TRPCOptionsProxy<AppRouter>;
export type Me = NonNullable<inferOutput<Api['auth']['me']>>;
export type Catalogue = inferOutput<Api['catalogue']['list']>;
export type Indicator = Catalogue['indicators'][number];
export type School = inferOutput<Api['schools']['get']>;
export type ReportView = inferOutput<Api['reports']['get']>;
export type ReviewQueueItem = inferOutput<Api['reports']['reviewQueue']>[number];
export type Attainment = inferOutput<Api['targets']['attainment']>;
export type Overview = inferOutput<Api['analytics']['overview']>;
export type Ranking = inferOutput<Api['analytics']['ranking']>;
export type RankingRow = Ranking['rows'][number];
export type SchoolProfile = inferOutput<Api['analytics']['schoolProfile']>;
export type MyStanding = inferOutput<Api['analytics']['myStanding']>;
export type Standing = MyStanding['indicators'][number];
export type Summary = inferOutput<Api['summaries']['get']>;
export type SummaryListItem = inferOutput<Api['summaries']['list']>[number];
export type AppError = TRPCClientError<AppRouter>;

export function isAppError(error: unknown): error is AppError {
  return error instanceof TRPCClientError;
}

/** The tRPC error code of a failure, or null for network and other errors. */
export function errorCode(error: unknown): string | null {
  return isAppError(error) ? (error.data?.code ?? null) : null;
}
export type TargetProposals = inferOutput<Api['targets']['propose']>;
export type TargetProposal = TargetProposals['proposals'][number];
export type TargetWarnings = inferOutput<Api['targets']['warnings']>;
export type Workbench = inferOutput<Api['reports']['workbench']>;
