import type { Role } from '@oversight/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me } from './trpc';

// This module loads with the sign-in page: it takes only types from @oversight/domain (see roles.ts).

/** The signed-in user (null when nobody is), asked once and kept until sign-in or sign-out changes it. */
export function useSession() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 5 * 60_000 }));
}

/** The signed-in user inside the shell, where the sign-in gate guarantees one. */
export function useMe(): Me {
  const { data } = useSession();
  if (!data) throw new Error('useMe outside the signed-in shell');
  return data;
}

/** Replaces every cached answer with the new user's (or nobody's) view. */
export function useSetSession() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (user: Me | null) => {
    queryClient.clear();
    queryClient.setQueryData(trpc.auth.me.queryKey(), user);
  };
}

/** Where an account lands after sign-in: the principal's home, or the officer's workbench. */
export const homePath = (role: Role) => (role === 'principal' ? '/home' : '/workbench');
