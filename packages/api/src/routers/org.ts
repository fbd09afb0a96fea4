import { ALL_ROLES, type OrgLevel, orgUnitInput } from '@oversight/domain';
import { createOrgUnit, listOrgUnits, type OrgUnit } from '@oversight/db';
import { actorOf, procedure, router, signedIn } from '../trpc.js';

export interface OrgNode {
  id: number;
  parentId: number | null;
  level: OrgLevel;
  code: string;
  name: string;
  children: OrgNode[];
}

/** Keeps the units in scope (its counties with their townships) and everything above them; a null county is a unit above county level. */
function visibleTree(units: OrgUnit[], isVisibleCounty: (countyId: number | null) => boolean): OrgNode[] {
  const byId = new Map(units.map((u) => [u.id, { id: u.id, parentId: u.parentId, level: u.level, code: u.code, name: u.name, children: [] as OrgNode[] }]));
  const keep = new Set<number>();
  for (const unit of units) {
    const county = unit.level === 'county' ? unit.id : unit.level === 'township' ? unit.parentId : null;
    if (!isVisibleCounty(county)) continue;
    for (let id: number | null = unit.id; id !== null && !keep.has(id); id = byId.get(id)?.parentId ?? null) keep.add(id);
  }
  const roots: OrgNode[] = [];
  for (const node of byId.values()) {
    if (!keep.has(node.id)) continue;
    const parent = node.parentId === null ? undefined : byId.get(node.parentId);
    if (parent && keep.has(parent.id)) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export const orgRouter = router({
  tree: procedure.meta({ access: { roles: ALL_ROLES } }).query(async ({ ctx }) => {
    const { scope } = signedIn(ctx);
    const units = await listOrgUnits(ctx.db);
    if (scope.kind === 'all') return visibleTree(units, () => true);
    const counties = new Set(scope.kind === 'counties' ? scope.countyIds : [scope.countyId]);
    return visibleTree(units, (id) => id !== null && counties.has(id));
  }),

  createUnit: procedure
    .meta({ access: { roles: ['system_admin'] } })
    .input(orgUnitInput)
    .mutation(({ ctx, input }) => createOrgUnit(ctx.db, actorOf(ctx), input)),
});
