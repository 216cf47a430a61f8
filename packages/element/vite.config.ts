/**
 * @module
 * npm build: unbundled-dependency ES modules for bundlers. Every dependency stays a bare import so
 * the application deduplicates lit and ky; nothing is minified.
 */
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const dependencies = Object.keys(pkg.dependencies);

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    target: 'es2022',
    lib: {
      entry: { index: 'src/index.ts', define: 'src/define.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: (id) => dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`)),
      output: { preserveModules: false, chunkFileNames: 'chunks/[name].js' },
    },
  },
});
