/**
 * @module
 * The console's build: a single-page app served by the server under `/console/`, so every asset
 * URL starts there. Output is `dist/index.html` and hashed files under `dist/assets/`, nothing
 * inline, so the page runs under the server's `script-src 'self'; style-src 'self'` policy.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
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
