#!/usr/bin/env bash
# Side by side on the same machine, alternating so that a noisy neighbour hurts both alike:
# the engine (validate, evaluate), JsonSchema.Net and AJV 8 on the same schemas and submissions.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
dotnet build -c Release Jiayi.Bench -nologo -v q -clp:ErrorsOnly
[ -d ajv/node_modules ] || (cd ajv && npm ci --no-audit --no-fund)
for round in $(seq 1 "$rounds"); do
  echo "== round $round"
  dotnet Jiayi.Bench/bin/Release/net10.0/Jiayi.Bench.dll throughput 3
  (cd ajv && node bench.mjs | tail -n +2)
done
