/** `pnpm bench` options, from flags (`--size small`, `--years 10`, `--counties 5`, `--schools 300`) or the environment. */
export interface BenchOptions {
  counties: number;
  schools: number;
  years: number;
  size: 'default' | 'small' | 'custom';
  databaseUrl: string | null;
  /** Reuse an already seeded `oversight_bench` database of the same size instead of generating it again. */
  reuse: boolean;
  skip: Set<string>;
  /** Seconds each HTTP save run lasts. */
  saveSeconds: number;
  /** Evidence uploads: reruns of each file size, and how many clients upload at once. */
  evidenceRuns: number;
  evidenceClients: number;
  /**
   * `replica`: also measure dashboards read from a streaming replica while saves load the primary (`--topology
   * replica`); the replica is made from the local cluster with pg_basebackup unless `--read-url` names one.
   */
  topology: 'single' | 'replica';
  readUrl: string | null;
  /** Only these steps (`--only replica`), when given. */
  only: Set<string> | null;
}

const SIZES = {
  default: { counties: 150, schools: 20_000 },
  small: { counties: 5, schools: 300 },
} as const;

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(key, inline);
    else if (next !== undefined && !next.startsWith('--')) flags.set(key, argv[++i]!);
    else flags.set(key, 'true');
  }
  const get = (flag: string, name: string) => flags.get(flag) ?? env[name];
  const size = get('size', 'BENCH_SIZE') ?? 'default';
  if (size !== 'default' && size !== 'small') throw new Error(`--size 只能是 default 或 small，收到：${size}`);
  const base = SIZES[size];
  const int = (flag: string, name: string, fallback: number) => {
    const raw = get(flag, name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} 必须是正整数，收到：${raw}`);
    return n;
  };
  const counties = int('counties', 'BENCH_COUNTIES', base.counties);
  const schools = int('schools', 'BENCH_SCHOOLS', base.schools);
  const years = int('years', 'BENCH_YEARS', 3);
  const topology = get('topology', 'BENCH_TOPOLOGY') ?? 'single';
  if (topology !== 'single' && topology !== 'replica') throw new Error(`--topology 只能是 single 或 replica，收到：${topology}`);
  const only = get('only', 'BENCH_ONLY');
  return {
    counties,
    schools,
    years,
    size: counties === base.counties && schools === base.schools ? size : 'custom',
    databaseUrl: get('database-url', 'DATABASE_URL') ?? null,
    reuse: (get('reuse', 'BENCH_REUSE') ?? 'false') !== 'false',
    skip: new Set((get('skip', 'BENCH_SKIP') ?? '').split(',').filter(Boolean)),
    saveSeconds: int('save-seconds', 'BENCH_SAVE_SECONDS', 10),
    evidenceRuns: int('evidence-runs', 'BENCH_EVIDENCE_RUNS', 3),
    evidenceClients: int('evidence-clients', 'BENCH_EVIDENCE_CLIENTS', 20),
    topology,
    readUrl: get('read-url', 'BENCH_READ_URL') ?? null,
    only: only ? new Set(only.split(',').filter(Boolean)) : null,
  };
}
