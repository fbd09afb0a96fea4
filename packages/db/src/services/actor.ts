import type { Role, Scope } from '@oversight/domain';

/** Who is acting: recorded in the audit log, and used to decide what they may create. */
export interface Actor {
  userId: number | null;
  role: Role;
  scope: Scope;
}

/** The installation itself (first-run set-up and the demo generator). */
export const SYSTEM_ACTOR: Actor = { userId: null, role: 'system_admin', scope: { kind: 'all' } };

/** A signed-in user as the actor of a service call. */
export const actorOfUser = (user: { id: number; role: Role; scope: Scope }): Actor => ({ userId: user.id, role: user.role, scope: user.scope });
