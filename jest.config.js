/**
 * The unit and invariant tier runs the compiled tests (bin/tests, from tier 1's `tsc -p .`): TypeScript compiles
 * the tree once, where ts-jest transpiled every file again in each worker on a fresh clone (a cold run was
 * 64-69 s, a warm one 50-58 s; compiled, a cold run is what a warm one was). `npm run test:unit` builds first.
 * Stack traces point into bin/*.js (their .map files sit beside them).
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/bin/tests"],
  testMatch: ["**/*.test.js"],
  testPathIgnorePatterns: ["/node_modules/", "/tests/e2e/", "/tests/software/"],
  transform: {},
  // Pulumi programs evaluate asynchronously; the whole-stack tests render hundreds of resources.
  testTimeout: 60000,
  // One render per stack and options per run, shared by the test files (tests/helpers/renderCache.ts).
  globalSetup: "<rootDir>/bin/tests/setup/renderCache.js",
  globalTeardown: "<rootDir>/bin/tests/setup/renderCacheTeardown.js",
  // Both cores (Jest's default leaves one free): the renders are CPU-bound, and CI runs nothing else meanwhile.
  maxWorkers: 2,
};
