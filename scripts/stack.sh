#!/usr/bin/env bash
# Starts the same stack as docker-compose.yml from Debian's binaries (prometheus,
# prometheus-alertmanager), for machines without a Docker engine. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${VIGIL_DATA_DIR:-$(pwd)/.vigil-data}"
mkdir -p "$data/prometheus" "$data/alertmanager"
retention=$(sed -n 's/^ *retention: *//p' prometheus/storage.yml | head -1)
prometheus-alertmanager --config.file=alertmanager/alertmanager.yml --storage.path="$data/alertmanager" \
  --web.listen-address=127.0.0.1:9093 --cluster.listen-address= &
am=$!
prometheus --config.file=prometheus/prometheus.yml --storage.tsdb.path="$data/prometheus" \
  --storage.tsdb.retention.time="${retention:-90d}" --web.listen-address=127.0.0.1:9090 --web.enable-lifecycle --web.user-assets=dashboards/html &
prom=$!
trap 'kill $am $prom 2>/dev/null' EXIT INT TERM
echo "Prometheus: http://127.0.0.1:9090  Alertmanager: http://127.0.0.1:9093  Dashboards: http://127.0.0.1:9090/user/<uid>.html"
wait
