import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = 'http://localhost:3000';

/**
 * The SPA builds to dist/, which the Fastify server serves on the API's port. In development Vite proxies
 * the API. React forms one long-lived vendor chunk; charts (recharts and its d3 helpers) get their own chunk
 * that only lazily loaded pages pull in, so the sign-in page stays small. The router (wouter, ~2 KB) stays out
 * of the React group: it needs use-sync-external-store, which lands in the shared chunk, and the React chunk
 * importing from that chunk (which imports React) made a cycle that broke start-up; in the entry it is also
 * 0.4 KB smaller.
 */
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/trpc': API, '/api': API, '/healthz': API },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // A group takes only the modules it names: shared helpers (clsx, use-sync-external-store) that recharts
          // also uses must not drag the chart chunk into the first page.
          includeDependenciesRecursively: false,
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|internmap|decimal\.js-light|es-toolkit|immer|reselect|@reduxjs|react-redux|redux|eventemitter3)[\\/]/,
              priority: 2,
            },
          ],
        },
      },
    },
  },
});
