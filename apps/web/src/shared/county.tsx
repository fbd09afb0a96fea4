import { Alert } from '@mantine/core';
import type { OrgNode } from '@oversight/api';
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from './session';
import { useTRPC } from './trpc';

export interface County {
  id: number;
  code: string;
  name: string;
  townships: { id: number; name: string }[];
}

interface CountyChoice {
  /** The county the bureau pages show; null until the tree has loaded or when none is visible. */
  county: County | null;
  countyId: number | null;
  counties: County[];
  choose: (countyId: number) => void;
  /** Only users above county level (system admin, city bureau) pick a county. */
  selectable: boolean;
}

const CountyContext = createContext<CountyChoice | null>(null);
const STORAGE_KEY = 'oversight.county';

function countiesOf(nodes: readonly OrgNode[]): County[] {
  return nodes.flatMap((n) =>
    n.level === 'county'
      ? [{ id: n.id, code: n.code, name: n.name, townships: n.children.filter((c) => c.level === 'township').map((c) => ({ id: c.id, name: c.name })) }]
      : countiesOf(n.children),
  );
}

function storedCounty(): number | null {
  try {
    return Number(localStorage.getItem(STORAGE_KEY)) || null;
  } catch {
    return null;
  }
}

/** The county the bureau pages show: the user's own, or the one a city-level or system user picked. */
export function CountyProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const trpc = useTRPC();
  const selectable = me.countyId === null && me.role !== 'principal';
  const tree = useQuery(trpc.org.tree.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const [picked, setPicked] = useState<number | null>(storedCounty);
  const value = useMemo<CountyChoice>(() => {
    const counties = tree.data ? countiesOf(tree.data) : [];
    const wanted = selectable ? picked : me.countyId;
    const county = counties.find((c) => c.id === wanted) ?? (selectable ? (counties[0] ?? null) : null);
    return {
      county,
      countyId: selectable ? (county?.id ?? null) : me.countyId,
      counties,
      selectable,
      choose: (id) => {
        try {
          localStorage.setItem(STORAGE_KEY, String(id));
        } catch {
          // Storage may be unavailable; the choice still holds for this visit.
        }
        setPicked(id);
      },
    };
  }, [tree.data, picked, selectable, me.countyId]);
  return <CountyContext.Provider value={value}>{children}</CountyContext.Provider>;
}

export function useCounty(): CountyChoice {
  const value = useContext(CountyContext);
  if (!value) throw new Error('useCounty outside CountyProvider');
  return value;
}

/** What a county's page shows while no county is chosen (users above county level pick one in the header). */
export function ChooseCounty() {
  const { t } = useTranslation();
  return <Alert color="gray">{t('county.choose')}</Alert>;
}
