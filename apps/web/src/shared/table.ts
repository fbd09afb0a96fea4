import 'mantine-datatable/styles.css';
import type { DataTableSortStatus } from 'mantine-datatable';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Orders table cells: numbers and dates by value, text by Chinese collation (pinyin), blanks last. */
export function compareCells(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/**
 * Client-side sorting and paging for a list the server returns whole (a county's schools, its accounts,
 * the review queue). `sortValue` maps a column to what it sorts by when that differs from the field.
 */
export function useSortedPages<T>(
  records: readonly T[] | undefined,
  initial: DataTableSortStatus<T>,
  options: { pageSize?: number; sortValue?: (record: T, column: string) => unknown } = {},
) {
  const pageSize = options.pageSize ?? 20;
  const [sortStatus, setSortStatus] = useState<DataTableSortStatus<T>>(initial);
  const [page, setPage] = useState(1);
  const sortValue = options.sortValue;
  const sorted = useMemo(() => {
    const column = String(sortStatus.columnAccessor);
    const value = (r: T) => (sortValue ? sortValue(r, column) : (r as Record<string, unknown>)[column]);
    // Blanks stay last whichever way the column is sorted (a school without a score after every scored one).
    const sign = sortStatus.direction === 'desc' ? -1 : 1;
    const blank = (v: unknown) => v === null || v === undefined;
    return [...(records ?? [])].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if (blank(x) || blank(y)) return Number(blank(x)) - Number(blank(y));
      return sign * compareCells(x, y);
    });
  }, [records, sortStatus, sortValue]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages);
  return {
    sorted,
    setSortStatus: (status: DataTableSortStatus<T>) => {
      setSortStatus(status);
      setPage(1);
    },
    tableProps: {
      records: sorted.slice((current - 1) * pageSize, current * pageSize),
      totalRecords: sorted.length,
      recordsPerPage: pageSize,
      page: current,
      onPageChange: setPage,
      sortStatus,
      onSortStatusChange: (status: DataTableSortStatus<T>) => {
        setSortStatus(status);
        setPage(1);
      },
    },
  };
}

/** The words every data table shows, in the current language. */
export function useTableTexts() {
  const { t } = useTranslation();
  return {
    noRecordsText: t('common.noRecords'),
    loadingText: t('common.loading'),
    paginationText: ({ from, to, totalRecords }: { from: number; to: number; totalRecords: number }) =>
      t('common.pagination', { from, to, total: totalRecords }),
  };
}
