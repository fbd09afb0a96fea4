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
