import { DataTable, type DataTableProps } from 'mantine-datatable';
import { useTableTexts } from '../table';

/**
 * The app's data table: bordered, striped, rows highlighted on hover, its words (no records, loading, pagination)
 * in the current language. A page passes what differs: records, columns, sorting and paging, its height, or a
 * default it turns off.
 */
export function ListTable<T>(props: DataTableProps<T>) {
  const texts = useTableTexts();
  // DataTableProps is a union (paged or not, sorted or not, …) that TypeScript cannot re-check once spread with defaults.
  const all = { withTableBorder: true, borderRadius: 'sm', striped: true, highlightOnHover: true, ...texts, ...props } as DataTableProps<T>;
  return <DataTable<T> {...all} />;
}
