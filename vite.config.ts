import { defineConfig, type UserConfig } from 'vite';

/**
 * Vite defaults shared by every browser build of the workspace (the element's npm and
 * script-tag builds import and extend them): modern output, source maps, and the `source`
 * export condition so workspace packages resolve to their TypeScript sources.
 */
export const sharedConfig = {
  resolve: { conditions: ['source', 'module', 'browser', 'production', 'default'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: true,
  },
} satisfies UserConfig;

export default defineConfig(sharedConfig);
