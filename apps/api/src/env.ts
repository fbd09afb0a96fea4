import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

const flag = z.enum(['0', '1']).transform((v) => v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Unset: the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.string().url('DATABASE_URL 必须是 postgres:// 连接串。').optional(),
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
