import { isOverseer as isOverseerRole } from '@oversight/domain';
import type { Me } from './trpc';

/**
 * The domain's role groups, asked of the signed-in user. Kept out of session.ts on purpose: that module loads with
 * the sign-in page, and any value imported from @oversight/domain brings the whole domain (zod included, ~33 KB
 * gzip) into the first page.
 */
export const isOverseer = (user: Me) => isOverseerRole(user.role);
