import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real server processes for tests that need more than one, or need to kill one: started, spoken to over HTTP, killed. */
export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Running {
  process: ChildProcess;
  base: string;
}

/** The real server (`src/main.ts start`) in a process of its own, on the given database, with a system admin. */
export function startServer(env: Record<string, string>, admin: { username: string; password: string }): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: '0',
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      WEB_DIR: path.join(APP_DIR, 'no-web'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, base: `http://127.0.0.1:${match[1]}` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
}

export function kill(running: Running): Promise<void> {
  return new Promise((resolve) => {
    if (running.process.exitCode !== null || running.process.signalCode !== null) return resolve();
    running.process.removeAllListeners('exit');
    running.process.once('exit', () => resolve());
    running.process.kill('SIGKILL');
  });
}

/** A minimal tRPC-over-HTTP client (superjson wire format, same-origin JSON POSTs) with a session cookie. */
export function client(base: string) {
  let cookie = '';
  async function call(kind: 'query' | 'mutation', name: string, input: unknown) {
    const response =
      kind === 'query'
        ? await fetch(`${base}/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } })
        : await fetch(`${base}/trpc/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: base, cookie },
            body: JSON.stringify({ json: input }),
          });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    // biome-ignore lint/suspicious/noExplicitAny: any procedure's answer; each test reads the fields it knows.
    const body = (await response.json()) as { result?: { data: { json: any } }; error?: { json: { message: string } } };
    if (body.error) throw Object.assign(new Error(body.error.json.message), { status: response.status });
    return body.result!.data.json;
  }
  return { query: (name: string, input?: unknown) => call('query', name, input), mutate: (name: string, input: unknown) => call('mutation', name, input) };
}
