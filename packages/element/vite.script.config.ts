/**
 * @module
 * Script-tag build: one self-contained, minified IIFE (`dist/pay-checkout.js`) that defines
 * `<pay-checkout>` when loaded. lit, ky and the protocol helpers are inlined.
 */
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Read the protocol from its TypeScript sources, so this build does not depend on its dist.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    minify: 'esbuild',
    sourcemap: true,
    target: 'es2022',
    lib: {
      entry: 'src/script.ts',
      name: 'PayCheckoutElement',
      formats: ['iife'],
      fileName: () => 'pay-checkout.js',
    },
  },
});
