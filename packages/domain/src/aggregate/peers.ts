import type { Location, SchoolType } from '../schools.js';

/** Which schools a school is measured against: same type, same urban–rural location, or both. */
export type PeerBasis = 'type' | 'location' | 'type_and_location';

export const PEER_LABELS: Record<PeerBasis, string> = { type: '同类型学校', location: '同城乡分类学校', type_and_location: '同类型、同城乡分类学校' };

export function isPeer(basis: PeerBasis, a: { type: SchoolType; location: Location }, b: { type: SchoolType; location: Location }): boolean {
  return (basis === 'location' || a.type === b.type) && (basis === 'type' || a.location === b.location);
}
