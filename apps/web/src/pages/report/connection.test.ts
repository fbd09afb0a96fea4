import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { isNetworkError, retryDelay } from './connection';

describe('telling a lost connection from a refusal', () => {
  it('a failed fetch, or an answer that is not the API’s, is the connection', () => {
    expect(isNetworkError(new TypeError('Failed to fetch'))).toBe(true);
    expect(isNetworkError(TRPCClientError.from(new TypeError('Failed to fetch')))).toBe(true);
  });

  it('an answer from the server (a conflict, a refusal, a server error) is not', () => {
    const answer = (code: string, httpStatus: number) =>
      TRPCClientError.from({ error: { message: '服务器内部错误', code: -32603, data: { code, httpStatus } } } as never);
    expect(isNetworkError(answer('INTERNAL_SERVER_ERROR', 500))).toBe(false);
    expect(isNetworkError(answer('CONFLICT', 409))).toBe(false);
    expect(isNetworkError(new Error('bug'))).toBe(false);
  });

  it('backs off from 1 s to at most 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(retryDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
