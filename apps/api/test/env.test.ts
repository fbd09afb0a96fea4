import { expect, it } from 'vitest';
import { evidenceLimits, readEnv, s3Settings } from '../src/env.js';

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

it('reads the evidence limits and the object storage settings, and names what is missing', () => {
  expect(evidenceLimits(readEnv({}))).toEqual({ maxFileBytes: 20 * 1024 * 1024, maxReportBytes: 200 * 1024 * 1024 });
  expect(evidenceLimits(readEnv({ EVIDENCE_MAX_MB: '5', EVIDENCE_REPORT_MAX_MB: '50' }))).toEqual({
    maxFileBytes: 5 * 1024 * 1024,
    maxReportBytes: 50 * 1024 * 1024,
  });
  expect(() => readEnv({ EVIDENCE_MAX_MB: '0' })).toThrow(/EVIDENCE_MAX_MB 必须大于0/);
  // No S3_ENDPOINT: files under DATA_DIR.
  expect(s3Settings(readEnv({}))).toBeNull();
  expect(() => s3Settings(readEnv({ S3_ENDPOINT: 'http://minio:9000' }))).toThrow(
    '设置了 S3_ENDPOINT 时还须设置 S3_BUCKET、S3_ACCESS_KEY_ID、S3_SECRET_ACCESS_KEY。',
  );
  expect(
    s3Settings(
      readEnv({ S3_ENDPOINT: 'http://minio:9000', S3_BUCKET: 'evidence', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_FORCE_PATH_STYLE: '0' }),
    ),
  ).toEqual({ endpoint: 'http://minio:9000', bucket: 'evidence', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's', forcePathStyle: false });
  expect(() => readEnv({ S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT 必须是 http\(s\):\/\/ 地址/);
});

it('reads WORKERS and the read replica, and refuses them on the embedded database', () => {
  const pg = 'postgres://db.internal:5432/oversight';
  expect(readEnv({}).WORKERS).toBe(1);
  expect(readEnv({}).DATABASE_READ_WAIT_MS).toBe(1000);
  const scaled = readEnv({ DATABASE_URL: pg, DATABASE_READ_URL: 'postgres://replica.internal:5432/oversight', WORKERS: '4', DATABASE_READ_WAIT_MS: '500' });
  expect(scaled).toMatchObject({ WORKERS: 4, DATABASE_READ_URL: 'postgres://replica.internal:5432/oversight', DATABASE_READ_WAIT_MS: 500 });
  expect(() => readEnv({ WORKERS: '2' })).toThrow(/WORKERS.*DATABASE_URL.*WORKERS=1/s);
  expect(() => readEnv({ DATABASE_READ_URL: pg })).toThrow(/DATABASE_READ_URL.*DATABASE_URL/);
  expect(() => readEnv({ DATABASE_URL: pg, WORKERS: '0' })).toThrow(/WORKERS 至少为1/);
  expect(() => readEnv({ DATABASE_URL: pg, DATABASE_READ_URL: 'replica' })).toThrow(/DATABASE_READ_URL 必须是/);
});
