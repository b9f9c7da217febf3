// openapi-typescript (packages/client's generator) drives the TypeScript 5 compiler API, which the
// repo's TypeScript 7 no longer ships: it gets a TypeScript 5 of its own instead of the peer.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === 'openapi-typescript' && pkg.peerDependencies?.typescript) {
        delete pkg.peerDependencies.typescript;
        pkg.dependencies = { ...pkg.dependencies, typescript: '5.9.3' };
      }
      return pkg;
    },
  },
};
