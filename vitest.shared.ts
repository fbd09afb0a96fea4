import { defineConfig } from 'vitest/config';

/**
 * Test settings every package shares. Data-layer suites migrate and seed real databases (PGlite runs in one
 * WASM thread), so set-up hooks get generous time; quarter and deadline logic runs in the county's time zone.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { TZ: 'Asia/Shanghai' },
  },
});
