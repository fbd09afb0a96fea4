import { expect, it } from 'vitest';
import { readEnv } from '../src/env.js';

it('reads defaults: port 3000, embedded database under ./data, demo on', () => {
  const env = readEnv({ INIT_CWD: '/srv/app' });
  expect(env.PORT).toBe(3000);
  expect(env.DATABASE_URL).toBeUndefined();
  expect(env.dataDir).toBe('/srv/app/data');
  expect(env.DEMO).toBe(true);
  expect(env.DEMO_PASSWORD).toBe('demo123456');
});

it('names the variable and the rule when a setting is wrong', () => {
  expect(() => readEnv({ PORT: 'abc' })).toThrow(/PORT/);
  expect(() => readEnv({ DEMO: 'yes' })).toThrow(/DEMO/);
});

it('reads TRUST_PROXY as the proxies to believe, and refuses the old blanket 1', () => {
  expect(readEnv({}).TRUST_PROXY).toEqual([]);
  expect(readEnv({ TRUST_PROXY: '0' }).TRUST_PROXY).toEqual([]);
  expect(readEnv({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8']);
  expect(() => readEnv({ TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY.*反向代理的地址/);
});
