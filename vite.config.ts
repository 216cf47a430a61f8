import { defaultClientConditions, defineConfig, type UserConfig } from 'vite';

/**
 * Vite defaults shared by every browser build of the workspace; the element's npm, script-tag
 * and lazy-chunk builds extend them with `mergeConfig`. Workspace packages are read from their
 * TypeScript sources (the `source` export condition), so a build never waits for another
 * package's `dist`.
 */
export const sharedConfig = {
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    // Several builds write into one dist/ (npm modules, the script tag, its lazy files, types).
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2022',
  },
} satisfies UserConfig;

export default defineConfig(sharedConfig);
