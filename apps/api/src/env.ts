import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { EVIDENCE_DEFAULT_MAX_MB, EVIDENCE_DEFAULT_REPORT_MAX_MB } from '@oversight/domain';
import type { S3Settings } from '@oversight/db';
import { z } from 'zod';

const flag = z.enum(['0', '1']).transform((v) => v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Unset: the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.string().url('DATABASE_URL 必须是 postgres:// 连接串。').optional(),
  /**
   * A streaming replica of DATABASE_URL: dashboards and summary drafts read there; writes and reads that must see
   * their own write stay on DATABASE_URL. Needs DATABASE_URL.
   */
  DATABASE_READ_URL: z.string().url('DATABASE_READ_URL 必须是 postgres:// 连接串。').optional(),
  /** The longest a review decision or an import waits, after its commit, for the replica to replay it (ms). */
  DATABASE_READ_WAIT_MS: z.coerce
    .number()
    .int('DATABASE_READ_WAIT_MS 必须是整数毫秒。')
    .min(0)
    .max(60_000, 'DATABASE_READ_WAIT_MS 不能超过60000。')
    .default(1000),
  /** Server processes sharing the port (node:cluster); above 1 needs DATABASE_URL. */
  WORKERS: z.coerce.number().int('WORKERS 必须是整数。').min(1, 'WORKERS 至少为1。').max(64, 'WORKERS 不能超过64。').default(1),
  DATA_DIR: z.string().default('./data'),
  DEMO: flag.default(true),
  DEMO_PASSWORD: z.string().min(6, 'DEMO_PASSWORD 至少6位。').default('demo123456'),
  ADMIN_USERNAME: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  SESSION_HOURS: z.coerce.number().positive().default(12),
  /** Set to 1 behind HTTPS so the session cookie is marked Secure. */
  COOKIE_SECURE: flag.default(false),
  /**
   * Behind a reverse proxy: the proxies' addresses or ranges, comma-separated (`127.0.0.1`, `10.0.0.0/8`, or
   * `loopback`). X-Forwarded-For is believed only from them, and a client's address is the one the nearest trusted
   * proxy saw. `0` or unset: no proxy, the connection's own address.
   */
  TRUST_PROXY: z
    .string()
    .default('0')
    .refine((v) => v.trim() !== '1', 'TRUST_PROXY 请填写反向代理的地址或网段（如 127.0.0.1 或 10.0.0.0/8），不再接受 1：否则任何客户端都能伪造自己的地址。')
    .transform((v) =>
      v.trim() === '0' || v.trim() === ''
        ? []
        : v
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
    ),
  WEB_DIR: z.string().optional(),
  /** Largest spreadsheet accepted for import, in MB. */
  IMPORT_MAX_MB: z.coerce.number().positive('IMPORT_MAX_MB 必须大于0。').max(200, 'IMPORT_MAX_MB 不能超过200。').default(10),
  /** Largest total size of an uploaded workbook once unzipped, in MB (guards against zip bombs). */
  IMPORT_MAX_UNZIPPED_MB: z.coerce.number().positive('IMPORT_MAX_UNZIPPED_MB 必须大于0。').max(2000, 'IMPORT_MAX_UNZIPPED_MB 不能超过2000。').default(100),
  /** Largest evidence file (佐证材料), in MB. */
  EVIDENCE_MAX_MB: z.coerce.number().positive('EVIDENCE_MAX_MB 必须大于0。').max(500, 'EVIDENCE_MAX_MB 不能超过500。').default(EVIDENCE_DEFAULT_MAX_MB),
  /** Largest total of a quarterly report's evidence files, in MB. */
  EVIDENCE_REPORT_MAX_MB: z.coerce
    .number()
    .positive('EVIDENCE_REPORT_MAX_MB 必须大于0。')
    .max(10000, 'EVIDENCE_REPORT_MAX_MB 不能超过10000。')
    .default(EVIDENCE_DEFAULT_REPORT_MAX_MB),
  /** S3-compatible object storage for evidence (MinIO, Ceph, a cloud bucket); unset: files under DATA_DIR/evidence. */
  S3_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^\s/]+/, 'S3_ENDPOINT 必须是 http(s):// 地址。')
    .optional(),
  S3_BUCKET: z.string().min(3, 'S3_BUCKET 至少3个字符。').optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style addresses (endpoint/bucket/key), which MinIO and most self-hosted servers need. */
  S3_FORCE_PATH_STYLE: flag.default(true),
});

export type Env = z.infer<typeof schema>;

/** The one place that reads process.env; relative paths are taken from where the command was typed. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env & { baseDir: string; dataDir: string; webDir: string } {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`环境变量有误：\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.WORKERS > 1 && !env.DATABASE_URL)
    throw new Error(
      `环境变量有误：\n  WORKERS: 多个服务进程（WORKERS=${env.WORKERS}）须共用 PostgreSQL，请设置 DATABASE_URL；内置数据库 PGlite 只能由一个进程打开，请改为 WORKERS=1。`,
    );
  if (env.DATABASE_READ_URL && !env.DATABASE_URL)
    throw new Error('环境变量有误：\n  DATABASE_READ_URL: 只读副本须与主库 DATABASE_URL 一起设置；内置数据库 PGlite 没有副本。');
  const base = source.INIT_CWD ?? process.cwd();
  const here = path.dirname(fileURLToPath(import.meta.url));
  return {
    ...env,
    baseDir: base,
    dataDir: path.resolve(base, env.DATA_DIR),
    webDir: env.WEB_DIR ? path.resolve(base, env.WEB_DIR) : path.resolve(here, '../../web/dist'),
  };
}

export interface FileLimits {
  /** Largest upload, in bytes. */
  maxUploadBytes: number;
  /** Largest total uncompressed size of a workbook's parts, in bytes. */
  maxUnzippedBytes: number;
}

const MB = 1024 * 1024;

/** Upload limits from the settings (IMPORT_MAX_MB, IMPORT_MAX_UNZIPPED_MB). */
export function fileLimits(env: Pick<Env, 'IMPORT_MAX_MB' | 'IMPORT_MAX_UNZIPPED_MB'> = readEnv()): FileLimits {
  return { maxUploadBytes: Math.round(env.IMPORT_MAX_MB * MB), maxUnzippedBytes: Math.round(env.IMPORT_MAX_UNZIPPED_MB * MB) };
}

export interface EvidenceLimits {
  /** Largest evidence file, in bytes. */
  maxFileBytes: number;
  /** Largest total of one report's evidence, in bytes. */
  maxReportBytes: number;
}

/** Evidence limits from the settings (EVIDENCE_MAX_MB, EVIDENCE_REPORT_MAX_MB). */
export function evidenceLimits(env: Pick<Env, 'EVIDENCE_MAX_MB' | 'EVIDENCE_REPORT_MAX_MB'> = readEnv()): EvidenceLimits {
  return { maxFileBytes: Math.round(env.EVIDENCE_MAX_MB * MB), maxReportBytes: Math.round(env.EVIDENCE_REPORT_MAX_MB * MB) };
}

type S3Env = Pick<Env, 'S3_ENDPOINT' | 'S3_BUCKET' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>;

/** Object storage settings when S3_ENDPOINT is set (then the bucket and both keys are required); otherwise null. */
export function s3Settings(env: S3Env = readEnv()): S3Settings | null {
  if (!env.S3_ENDPOINT) return null;
  const absent = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => !env[k]);
  if (absent.length) throw new Error(`环境变量有误：设置了 S3_ENDPOINT 时还须设置 ${absent.join('、')}。`);
  return {
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET!,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID!,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  };
}
