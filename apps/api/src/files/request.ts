import { AppError } from '@oversight/domain';
import type { z } from 'zod';

/** A route's query (or path) parameters through one of the shared input schemas; a refusal names the parameter. */
export function readQuery<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new AppError('BAD_REQUEST', field ? `${issue.message}（参数：${field}）` : issue.message, field);
  }
  return parsed.data;
}
