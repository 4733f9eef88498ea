#!/usr/bin/env bash
# The VS Code client's checks: install, build the bundle, unit + protocol tests against the real server, package.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(cd ../.. && pwd)"
if [ ! -f "$root/server/target/warmup-server.jar" ]; then
  (cd "$root" && ./mvnw -B -q -ntp -pl server -am package -DskipTests)
fi
npm ci --ignore-scripts --no-audit --no-fund
npm run build
npm test
npm run package
ls -l warmup-0.1.0.vsix
