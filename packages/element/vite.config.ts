/**
 * @module
 * npm build: ES modules for bundlers. Every dependency stays a bare import so the application
 * deduplicates lit; nothing is minified. The QR encoder and the translations other than English
 * are reached by `import()` and so become chunks of their own, loaded only when needed.
 */
import { defineConfig, mergeConfig } from 'vite';
import { sharedConfig } from '../../vite.config.ts';
import pkg from './package.json' with { type: 'json' };

const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];

export default defineConfig(
  mergeConfig(sharedConfig, {
    build: {
      minify: false,
      lib: {
        entry: {
          index: 'src/index.ts',
          define: 'src/define.ts',
          react: 'src/react/index.ts',
          'translations/en': 'src/translations/en.ts',
          'translations/es': 'src/translations/es.ts',
          'translations/pt-BR': 'src/translations/pt-BR.ts',
          'translations/de': 'src/translations/de.ts',
          'translations/ar': 'src/translations/ar.ts',
        },
        formats: ['es'],
      },
      rollupOptions: {
        external: (id) => external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
        output: { chunkFileNames: 'chunks/[name].js' },
      },
    },
  }),
);
