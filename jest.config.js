/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/tests/e2e/"],
  transform: { "^.+\\.ts$": "ts-jest" },
  // Pulumi programs evaluate asynchronously; the whole-stack tests render hundreds of resources.
  testTimeout: 60000,
  // Both cores (Jest's default leaves one free): the renders are CPU-bound, and CI runs nothing else meanwhile.
  maxWorkers: 2,
};
