import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUser, SYSTEM_ACTOR, type DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServer, SESSION_COOKIE } from '../src/server.js';

const json = (body: unknown) => JSON.stringify({ json: body });

await describeEachDatabase('HTTP server', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    await createUser(handle.db, SYSTEM_ACTOR, { role: 'system_admin', username: 'root-admin', displayName: '管理员', password: 'secret123' });
    const webDir = mkdtempSync(path.join(tmpdir(), 'oversight-web-'));
    writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>县域学校后勤督导平台</title>');
    app = await buildServer({ db: handle.db, sessions: handle.sessions, webDir, cookieSecure: false, trustProxy: [] });
  });
  afterAll(async () => {
    await app.close();
    await handle.close();
  });

  const login = (headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/trpc/auth.login',
      headers: { 'content-type': 'application/json', host: 'oversight.test', ...headers },
      payload: json({ username: 'root-admin', password: 'secret123' }),
    });

  it('answers /healthz once migrated', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
  });

  it('sets an httpOnly SameSite session cookie on sign-in and recognises it', async () => {
    const response = await login({ origin: 'http://oversight.test' });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = await app.inject({ method: 'GET', url: '/trpc/auth.me', cookies: { [SESSION_COOKIE]: cookie.value } });
    expect(me.json().result.data.json.username).toBe('root-admin');
    const out = await app.inject({
      method: 'POST',
      url: '/trpc/auth.logout',
      headers: { 'content-type': 'application/json' },
      cookies: { [SESSION_COOKIE]: cookie.value },
    });
    expect(out.statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/trpc/auth.me', cookies: { [SESSION_COOKIE]: cookie.value } });
    expect(after.json().result.data.json).toBeNull();
  });

  it('answers a page’s batch of queries in one GET, however many procedures it names', async () => {
    const cookie = (await login()).cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    // The SPA batches the queries a page makes at once: /trpc/a,b,c…?batch=1 with one input per procedure.
    const procedures = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'auth.me' : 'org.tree'));
    const input = Object.fromEntries(procedures.map((_, i) => [i, { json: null }]));
    const response = await app.inject({
      method: 'GET',
      url: `/trpc/${procedures.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      cookies: { [SESSION_COOKIE]: cookie },
    });
    expect(response.statusCode).toBe(200);
    const results = response.json() as { result: { data: { json: unknown } } }[];
    expect(results).toHaveLength(12);
    expect((results[1]!.result.data.json as { username: string }).username).toBe('root-admin');
  });

  it('refuses state changes from another origin, and ones that are not JSON POSTs', async () => {
    const foreign = await login({ origin: 'http://evil.test' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toContain('请求来源不被允许');
    const crossSite = await login({ 'sec-fetch-site': 'cross-site' });
    expect(crossSite.statusCode).toBe(403);
    const form = await app.inject({
      method: 'POST',
      url: '/trpc/auth.login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=root-admin&password=secret123',
    });
    expect(form.statusCode).toBe(415);
    expect(form.cookies).toHaveLength(0);
  });

  it('refuses sign-in batched with anything, so one request carries one password guess', async () => {
    const batch = await app.inject({
      method: 'POST',
      url: '/trpc/auth.login,auth.login?batch=1',
      headers: { 'content-type': 'application/json', host: 'oversight.test' },
      payload: JSON.stringify({
        0: { json: { username: 'root-admin', password: 'wrong1234' } },
        1: { json: { username: 'root-admin', password: 'secret123' } },
      }),
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error.message).toBe('登录请求不能与其他请求合并发送。');
    expect(batch.cookies).toHaveLength(0);
    const mixed = await app.inject({ method: 'GET', url: `/trpc/auth.me,auth.login?batch=1&input=${encodeURIComponent('{}')}` });
    expect(mixed.statusCode).toBe(400);
    const encoded = await app.inject({
      method: 'POST',
      url: '/trpc/auth.me%2Cauth.login?batch=1',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(encoded.statusCode).toBe(400);
  });

  it('refuses JSON nested deeper than any real input before parsing it, in a body or a query, before sign-in', async () => {
    const deep = `{"json":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const body = await app.inject({
      method: 'POST',
      url: '/trpc/auth.login',
      headers: { 'content-type': 'application/json', host: 'oversight.test' },
      payload: deep,
    });
    expect(body.statusCode).toBe(400);
    expect(body.body).toContain('嵌套层级过深');
    const query = await app.inject({ method: 'GET', url: `/trpc/auth.me?input=${encodeURIComponent(deep)}` });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.message).toContain('嵌套层级过深');
    // Just inside the bound, the same shape is read as usual (and refused only for what it says).
    const shallow = `{"json":${'['.repeat(60)}${']'.repeat(60)}}`;
    const ordinary = await app.inject({
      method: 'POST',
      url: '/trpc/auth.login',
      headers: { 'content-type': 'application/json', host: 'oversight.test' },
      payload: shallow,
    });
    expect(ordinary.statusCode).toBe(400);
    expect(ordinary.body).not.toContain('嵌套层级过深');
  });

  it('marks every tRPC answer no-store, and adds Strict-Transport-Security only when served over HTTPS', async () => {
    const me = await app.inject({ method: 'GET', url: '/trpc/auth.me' });
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.headers['strict-transport-security']).toBeUndefined();
    const secure = await buildServer({ db: handle.db, webDir: tmpdir(), cookieSecure: true, trustProxy: [] });
    try {
      const page = await secure.inject({ method: 'GET', url: '/healthz' });
      expect(page.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    } finally {
      await secure.close();
    }
  });

  it('believes X-Forwarded-For only from the configured proxy, and takes the address that proxy saw', async () => {
    await createUser(handle.db, SYSTEM_ACTOR, { role: 'system_admin', username: 'proxied-admin', displayName: '管理员', password: 'secret123' });
    const proxied = await buildServer({ db: handle.db, webDir: tmpdir(), cookieSecure: false, trustProxy: ['127.0.0.1'] });
    const wrong = (remoteAddress: string, forwardedFor: string) =>
      proxied.inject({
        method: 'POST',
        url: '/trpc/auth.login',
        remoteAddress,
        headers: { 'content-type': 'application/json', host: 'oversight.test', 'x-forwarded-for': forwardedFor },
        payload: json({ username: 'proxied-admin', password: 'wrong1234' }),
      });
    try {
      // Six clients behind the proxy: each its own address, so none is held back for the others' attempts.
      for (let i = 1; i <= 6; i++) expect((await wrong('127.0.0.1', `forged, 203.0.113.${i}`)).statusCode).toBe(401);
      // One client forging the leftmost entry: still one address (what the proxy saw), held at the limit.
      const statuses = [];
      for (let i = 1; i <= 6; i++) statuses.push((await wrong('127.0.0.1', `198.51.100.${i}, 203.0.113.50`)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // A client that is not the proxy cannot choose its address with the header at all.
      const direct = [];
      for (let i = 1; i <= 6; i++) direct.push(await wrong('192.0.2.7', `203.0.113.${100 + i}`));
      const limited = direct.at(-1)!;
      expect(limited.statusCode).toBe(429);
      // The refusal says when to try again, in words and in Retry-After (seconds, within the 15-minute window).
      expect(limited.json().error.json.message).toMatch(/请在\d+分钟后再试/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    } finally {
      await proxied.close();
    }
  });

  it('answers an unauthenticated call with 401 and a Chinese message', async () => {
    const response = await app.inject({ method: 'GET', url: '/trpc/schools.list' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.json.message).toBe('请先登录。');
  });

  it('serves the SPA for client routes with security headers', async () => {
    const page = await app.inject({ method: 'GET', url: '/schools' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('县域学校后勤督导平台');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const missing = await app.inject({ method: 'GET', url: '/api/nothing' });
    expect(missing.statusCode).toBe(404);
  });
});
