import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Figure } from './report.js';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

/**
 * The SPA's initial JavaScript: every script index.html loads eagerly (module entry and modulepreload links),
 * gzip-compressed, summed. Lazy chunks (charts, spreadsheets) are not counted. Builds the SPA when dist is missing.
 */
export function spaInitialJs(): Figure {
  const dist = path.join(web, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) execFileSync('pnpm', ['--filter', '@oversight/web', 'run', 'build'], { stdio: 'inherit' });
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const eager = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) eager.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) eager.add(m[1]!);
  let total = 0;
  const files: string[] = [];
  for (const src of eager) {
    const file = path.join(dist, src.replace(/^\//, ''));
    const size = gzipSync(readFileSync(file), { level: 9 }).length;
    total += size;
    files.push(`${path.basename(file)} ${(size / 1024).toFixed(1)}`);
  }
  const kb = total / 1024;
  return {
    name: 'SPA 首屏 JavaScript（gzip）',
    median: kb,
    p95: kb,
    samples: eager.size,
    unit: 'KB',
    target: { p95AtMost: 150 },
    baseline: null,
    note: files.join('，'),
  };
}
