import type { Role } from '@oversight/domain';
import type { ReactNode } from 'react';
import { useMe } from '../shared/session';
import { NotFound } from '../shared/ui/NotFound';

/** Shows a page only to the roles it is meant for (the server enforces the same rule on every call). */
export function RoleGate({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  return roles.includes(useMe().role) ? children : <NotFound />;
}
