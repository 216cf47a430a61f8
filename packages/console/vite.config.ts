/**
 * @module
 * The console's build: a single-page app served by the server under `/console/`, so every asset
 * URL starts there. Output is `dist/index.html` and hashed files under `dist/assets/`, nothing
 * inline, so the page runs under the server's `script-src 'self'; style-src 'self'` policy.
 *
 * Workspace packages are bundled from their TypeScript sources (the `source` export condition
 * of `@pay-checkout/protocol`), so the build never reads a stale `dist` of theirs.
 */
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  resolve: {
    conditions: ['source', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Vite's preload polyfill is an inline helper in some setups; modern targets need none.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into the CSS or scripts; files are served from 'self'.
    assetsInlineLimit: 0,
  },
});
