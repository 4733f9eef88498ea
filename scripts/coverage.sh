#!/usr/bin/env bash
# What the protocol's and the server's unit tests exercise: JaCoCo's agent in every JVM of the run (JAVA_TOOL_OPTIONS,
# so the server processes the tests start count too), then its report: server/target/coverage/html/index.html and
# coverage.csv, and the totals on stdout. Not part of CI (the agent slows the tests); takes about 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.8.15
out="$PWD/server/target/coverage"
mkdir -p "$out"
for artifact in org.jacoco.agent:$version:jar:runtime org.jacoco.cli:$version:jar:nodeps; do
  ./mvnw -q -N dependency:copy -Dartifact="org.jacoco:$artifact" -DoutputDirectory="$out"
done
rm -f "$out/jacoco.exec"
JAVA_TOOL_OPTIONS="-javaagent:$out/org.jacoco.agent-$version-runtime.jar=destfile=$out/jacoco.exec,append=true,includes=dev.warmup.*" \
  ./mvnw -q -pl protocol,server test
test -s "$out/jacoco.exec" || { echo "coverage: no execution data: did the tests run?" >&2; exit 1; }
java -jar "$out/org.jacoco.cli-$version-nodeps.jar" report "$out/jacoco.exec" --quiet \
  --classfiles protocol/target/classes --classfiles server/target/classes \
  --sourcefiles protocol/src/main/java --sourcefiles server/src/main/java \
  --html "$out/html" --csv "$out/coverage.csv"
awk -F, 'NR > 1 { im += $4; ic += $5; bm += $6; bc += $7; lm += $8; lc += $9 }
  END { printf "coverage: %.1f %% of instructions, %.1f %% of branches, %.1f %% of lines (%s)\n",
        100 * ic / (im + ic), 100 * bc / (bm + bc), 100 * lc / (lm + lc), FILENAME }' "$out/coverage.csv"
