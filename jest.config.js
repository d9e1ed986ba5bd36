/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/tests/e2e/", "/tests/software/"],
  transform: { "^.+\\.ts$": "ts-jest" },
  // Pulumi programs evaluate asynchronously; the whole-stack tests render hundreds of resources.
  testTimeout: 60000,
  // One render per stack and options per run, shared by the test files (tests/helpers/renderCache.ts).
  globalSetup: "<rootDir>/tests/setup/renderCache.ts",
  globalTeardown: "<rootDir>/tests/setup/renderCacheTeardown.ts",
  // Both cores (Jest's default leaves one free): the renders are CPU-bound, and CI runs nothing else meanwhile.
  maxWorkers: 2,
};
