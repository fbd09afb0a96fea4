import type { AppRouter } from '@oversight/api';
import type { inferOutput, TRPCOptionsProxy } from '@trpc/tanstack-react-query';

type Api = TRPCOptionsProxy<AppRouter>;
export type Attainment = inferOutput<Api['targets']['attainment']>;
export type Overview = inferOutput<Api['analytics']['overview']>;
export type Ranking = inferOutput<Api['analytics']['ranking']>;
export type RankingRow = Ranking['rows'][number];
export type SchoolProfile = inferOutput<Api['analytics']['schoolProfile']>;
export type MyStanding = inferOutput<Api['analytics']['myStanding']>;
export type Standing = MyStanding['indicators'][number];
export type Summary = inferOutput<Api['summaries']['get']>;
export type SummaryListItem = inferOutput<Api['summaries']['list']>[number];
