/**
 * @module
 * Script-tag build: one minified IIFE (`dist/pay-checkout.js`) that defines `<pay-checkout>`
 * when loaded, with lit and the protocol helpers inlined. What only some pages need (the QR
 * encoder, translations other than English) is not inside: `src/internal/chunks.ts` is swapped
 * for `chunks.script.ts`, which loads those parts from files next to the script, built by
 * vite.script-chunks.config.ts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type Plugin } from 'vite';
import { sharedConfig } from '../../vite.config.ts';
import { minifyTemplatesPlugin } from './scripts/minify-templates.js';

const chunks = fileURLToPath(new URL('./src/internal/chunks.ts', import.meta.url));
const scriptChunks = fileURLToPath(new URL('./src/internal/chunks.script.ts', import.meta.url));

/** Resolves every import of chunks.ts to chunks.script.ts. */
function scriptChunkLoader(): Plugin {
  return {
    name: 'pay-checkout-script-chunks',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/chunks\.js$/.test(source) || !importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === chunks ? scriptChunks : null;
    },
  };
}

export default defineConfig(
  mergeConfig(sharedConfig, {
    plugins: [scriptChunkLoader(), minifyTemplatesPlugin()],
    build: {
      // terser's extra passes take about 2 % more off than esbuild: bytes every checkout page pays.
      minify: 'terser',
      terserOptions: {
        ecma: 2020,
        compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true },
        format: { comments: false },
      },
      lib: {
        entry: 'src/script.ts',
        name: 'PayCheckoutElement',
        formats: ['iife'],
        fileName: () => 'pay-checkout.js',
      },
    },
  }),
);
