/**
 * @module
 * The lazily loaded files of the script-tag build, next to `dist/pay-checkout.js`: the live status
 * stream (`pay-checkout.stream.js`), the methods step (`pay-checkout.methods.js`), the
 * QR step (`pay-checkout.qr-view.js`), the QR encoder (`pay-checkout.qr.js`) and one file per
 * built-in translation (`pay-checkout.de.js` …). Each is a minified ES module, loaded by
 * `import()` from the script's URL; none imports lit (the element hands them its own).
 */
import { defineConfig, mergeConfig } from 'vite';
import { sharedConfig } from '../../vite.config.ts';
import { minifyTemplatesPlugin } from './scripts/minify-templates.js';

export default defineConfig(
  mergeConfig(sharedConfig, {
    plugins: [minifyTemplatesPlugin()],
    build: {
      minify: 'esbuild',
      lib: {
        entry: {
          'pay-checkout.qr': 'src/qr/qr-encode.ts',
          'pay-checkout.qr-view': 'src/qr/qr-view.ts',
          'pay-checkout.methods': 'src/methods/methods-view.ts',
          'pay-checkout.stream': 'src/internal/status-stream.ts',
          'pay-checkout.es': 'src/translations/es.ts',
          'pay-checkout.pt-BR': 'src/translations/pt-BR.ts',
          'pay-checkout.de': 'src/translations/de.ts',
          'pay-checkout.ar': 'src/translations/ar.ts',
        },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      // What several of them share (the English texts of the lazy parts) gets a stable name too.
      rollupOptions: { output: { chunkFileNames: 'pay-checkout.shared-[name].js' } },
    },
  }),
);
