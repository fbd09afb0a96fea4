/**
 * A failure the user can act on. Services throw it; the API maps `code` to a tRPC error code in one place.
 * `message` is Chinese and names the field and the rule; `field` points the form at the input concerned.
 */
export type AppErrorCode = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
    /** Every finding, when there are several (a report's errors, an import's cells). */
    readonly issues?: readonly { code: string; message: string; severity?: string }[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (field: string, message: string) => new AppError('BAD_REQUEST', message, field);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const forbidden = (message = '您的账号无权访问该数据。') => new AppError('FORBIDDEN', message);
export const conflict = (message: string, field?: string) => new AppError('CONFLICT', message, field);
