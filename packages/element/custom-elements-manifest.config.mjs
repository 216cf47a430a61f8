/**
 * @module
 * Custom Elements Manifest (`custom-elements.json`): the element's attributes, properties,
 * events, CSS parts and custom properties, read from the class JSDoc by
 * @custom-elements-manifest/analyzer during the build, and shipped with the package.
 */

/**
 * Keeps the manifest to the public contract: internal reactive state (`_phase` …) is neither an
 * attribute nor a member, and the event helper's `name` parameter is not an event.
 */
function publicOnly() {
  return {
    name: 'pay-checkout-public-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.customElement) continue;
          const isPublic = (item) => !item.name.startsWith('_') && item.privacy !== 'private';
          declaration.attributes = declaration.attributes?.filter(isPublic);
          declaration.members = declaration.members?.filter(isPublic);
          declaration.events = declaration.events?.filter((event) => event.name !== 'name');
        }
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/internal/**', 'src/qr/**', 'src/methods/**', 'src/react/**'],
  outdir: '.',
  litelement: true,
  plugins: [publicOnly()],
};
