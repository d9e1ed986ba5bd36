#!/usr/bin/env bash
# The software tier: installs the real programs from the package registries when they are missing (Debian's
# postgresql-15 and redis-server; cold about 15 s after `apt-get update`, warm nothing), then runs the tests that
# start them with the rendered config (jest.software.config.js). SOFTWARE=never skips the tier.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${SOFTWARE:-}" == never ]]; then echo "software tier: skipped (SOFTWARE=never)"; exit 0; fi
start=$(date +%s)
need=()
command -v redis-server >/dev/null || need+=(redis-server)
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || need+=(postgresql-15)
command -v psql >/dev/null || need+=(postgresql-client-15)
if (( ${#need[@]} > 0 )); then
  echo "software tier: installing ${need[*]} from Debian's packages"
  if [[ $(id -u) -ne 0 ]]; then echo "software tier: needs root to install ${need[*]} (apt-get)" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "software tier: $(redis-server --version | cut -d' ' -f1-3), $(/usr/lib/postgresql/15/bin/postgres --version) (ready in $(( $(date +%s) - start ))s)"
jest -c jest.software.config.js --ci
