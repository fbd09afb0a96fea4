import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import type { EvidenceFile } from './files';

/**
 * A report's evidence files, and `refresh` for after an upload or a removal: the list, and the report itself (its findings name
 * the evidence still missing).
 */
export function useEvidenceList(schoolId: number, period: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.evidence.list.queryOptions({ schoolId, period }));
  const files: readonly EvidenceFile[] = list.data ?? [];
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.evidence.list.queryFilter({ schoolId, period }));
    void queryClient.invalidateQueries(trpc.reports.get.queryFilter({ schoolId, period }));
  };
  return { list, files, refresh };
}
