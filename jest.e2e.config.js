/** The end-to-end tier: run by tests/e2e/run.sh against the local control plane (KUBECONFIG set). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/tests/e2e/**/*.e2e.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 900000,
  maxWorkers: 1,
};
