/** The software tier: real programs with the rendered config, run by tests/software/run.sh (programs installed first). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/tests/software/**/*.software.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 120000,
  // The programs listen on their rendered ports: one file at a time.
  maxWorkers: 1,
};
