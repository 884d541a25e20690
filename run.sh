#!/usr/bin/env bash
# Starts Jiayi on the embedded SQLite database (host/Jiayi.Host/data/jiayi.db) with demo data,
# and prints the address to open. Nothing else needs installing. Extra arguments go to the host,
# e.g. ./run.sh --urls http://0.0.0.0:5080 to serve other machines on the network.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project host/Jiayi.Host --launch-profile http -- "$@"
