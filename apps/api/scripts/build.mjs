/**
 * Builds the server for production: src/main.ts and the workspace packages it imports (@oversight/*) bundled into
 * dist/main.mjs, every npm package left as an import (they stay in node_modules, PGlite with its WebAssembly files).
 * Running compiled JavaScript instead of compiling TypeScript at start-up (tsx) starts faster and keeps ~50 MB less
 * resident. `node scripts/build.mjs <entry> <outfile>` builds another entry the same way (the bench's server).
 * The document worker (src/documents/worker.ts, the worker thread that makes Word and Excel summaries and annotated
 * uploads) is bundled the same way beside it, as document-worker.mjs, where src/documents/pool.ts looks for it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entry` (relative to apps/api) into `outfile`; workspace packages inlined, npm packages external. */
export async function buildServer(entry = 'src/main.ts', outfile = 'dist/main.mjs') {
  const name = (file) => path.basename(file).replace(/\.mjs$/, '');
  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: entry, out: name(outfile) },
      { in: 'src/documents/worker.ts', out: 'document-worker' },
    ],
    outdir: path.dirname(outfile),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        name: 'npm-packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@oversight/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer(process.argv[2], process.argv[3]);
