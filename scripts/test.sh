#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls it). Installs what the tests need on a fresh
# machine (Debian's neovim for the real-editor test and faketime for the clock-step test; a llama-server for the real-model-server tests; the VS Code
# client's npm packages; Chromium and code-server for the extension's end-to-end test), then runs every test: Maven unit and integration tests (build included), the VS
# Code client's unit and protocol tests, and the extension in a real VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's neovim for the real-editor test (NeovimIT), its faketime for the clock-step test (ClockStepIT), iptables
# for a container's port published by a NAT rule (ModelServerCgroupIT)
missing=()
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null || missing+=(faketime)
# iptables for the NAT-published port of ModelServerCgroupIT
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[test] installing ${missing[*]} (Debian packages) for the real-editor, clock-step and NAT tests" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# a real llama.cpp llama-server for LlamaServerIT and LlamaServerWarmingIT: Debian unstable's build, unpacked beside
# its own C library (scripts/llama-server.sh; about 12 MB, a few seconds, kept in ~/.cache once made)
llama_paths=$(scripts/llama-server.sh)
mapfile -t llama <<< "$llama_paths"
export WARMUP_LLAMA_SERVER="${llama[0]}" WARMUP_GGML_BACKEND="${llama[1]}"

# in a time zone west of UTC, so that a test that holds only where the local day is UTC's fails here too (CI
# machines run on UTC; developers mostly do not)
TZ=America/Los_Angeles ./mvnw -B -ntp verify
# the JMH benchmarks are not run here (their figures are in the README), but they must keep compiling, and the
# counting behind the signal figures (docs/replay-analysis.md) and the bootstrap behind the README's intervals have
# their own unit tests (only they run: -am just builds what bench needs)
./mvnw -B -ntp -q -Pbench -pl bench -am test -Dtest='TraceSignalsTest,BarBootstrapTest' -Dsurefire.failIfNoSpecifiedTests=false

# the soak of docs/warming.md (BlazeSoakIT: a Blaze developer's days at 20 times their pace drive the packaged
# server against the real llama-server above, 4 minutes plus up to 2 for the views to agree), that page's command as
# it is; it reads the trace from ../shared/data, and says so and is left out where that is missing
if [ -f ../shared/data/abb-blaze-ide-interactions/blaze_events.csv.xz ]; then
  ./mvnw -q -pl server -am verify -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BlazeSoakIT -Dfailsafe.failIfNoSpecifiedTests=false -Dsoak.minutes=4 -Dsoak.speed=20 -Dsoak.maxGapSeconds=300 -Dsoak.budgetMb=8000
  sed -n '1,/failed looks/p' server/target/failsafe-reports/dev.warmup.server.soak.BlazeSoakIT-output.txt
else
  echo "[test] no Blaze trace at ../shared/data: the soak (BlazeSoakIT) is not run" >&2
fi

if [ -x clients/vscode/scripts/ci-test.sh ]; then
  clients/vscode/scripts/ci-test.sh
fi
# the packaged extension in a real VS Code (code-server, headless Chromium): documents, notebook cells, focus and a
# build task reach the server's store; the first run installs what it needs (about 4 minutes), later ones take about 30 s
if [ -x clients/vscode/e2e/run.sh ]; then
  clients/vscode/e2e/run.sh
fi
