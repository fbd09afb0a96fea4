import type { Database, Kysely } from '@oversight/db';

/**
 * Plain SQL with numbered parameters ($1, $2, …), for the baselines and maintenance statements. The bench lives in
 * the server app, which reaches the database only through @oversight/db, so it hands Kysely a compiled raw query.
 */
export async function raw<R = Record<string, unknown>>(db: Kysely<Database>, text: string, parameters: readonly unknown[] = []): Promise<R[]> {
  const query = { kind: 'RawNode', sqlFragments: [text], parameters: [] };
  const result = await db.executeQuery<R>({ sql: text, parameters, query, queryId: { queryId: 'bench' } } as never);
  return result.rows as R[];
}
