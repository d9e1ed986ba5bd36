#!/usr/bin/env bash
# The whole test suite: what `npm test` and .ci/run run. Tiers:
#   1. static: TypeScript strict type-check (compiling into bin/) and ESLint
#   1b. workflows: actionlint (with shellcheck on run: blocks) over .github/workflows/*.yml
#   2. unit + whole-program invariants: Jest with Pulumi mocks (both stack files)
#   2b. scanner gate: kube-score, kubeconform (Kubernetes 1.34 + edge CRD schemas) and checkov over both stacks'
#       rendered objects; any finding not waived (with a reason) in scripts/scan/waivers.yaml fails
#   2c. software: the real programs (Debian's redis-server and PostgreSQL so far) run on loopback with the
#       rendered command line, env and mounted files, and their consumers' credentials (tests/software)
#   3. end to end: a real API server + Pulumi CLI, when the offline toolchain is built (tests/e2e)
set -euo pipefail
cd "$(dirname "$0")/.."

node_version=$(node --version)
case "$node_version" in
  v22.*) ;;
  *) echo "error: expected Node 22 from node_modules/.bin (run through npm: npm test), got $node_version" >&2; exit 1 ;;
esac
echo "== node $node_version ($(command -v node))"

echo "== tier 1: typecheck (and compile into bin/, which tier 2 runs) + lint"
# A clean bin/: a test deleted from tests/ must not run from an old build.
rm -rf bin
tsc -p .
eslint . --max-warnings 0

echo "== tier 1b: workflows (actionlint + shellcheck, scripts/actionlint.sh)"
bash scripts/actionlint.sh

echo "== tier 2: unit + invariant tests (Pulumi mocks)"
# A larger young generation: a render allocates a lot of short-lived objects, and with V8's default semi-space
# a quarter of a render was garbage collection (25% faster renders, measured with scripts/lib/render.ts).
NODE_OPTIONS="${NODE_OPTIONS:-} --max-semi-space-size=64" jest --ci

echo "== tier 2b: scanner gate (scripts/scan.sh)"
bash scripts/scan.sh

echo "== tier 2c: software (real programs with the rendered config, tests/software)"
bash tests/software/run.sh

if [ -x tests/e2e/run.sh ]; then
  echo "== tier 3: end to end"
  bash tests/e2e/run.sh
else
  echo "== tier 3: end to end: not present in this checkout (skipped)"
fi
