#!/usr/bin/env bash
# Installs the programs DriftWatch's integration tests run for real: kcat (an external Kafka client),
# influxd (InfluxDB 1.x), Prometheus and Alertmanager, and headless Chromium for HTML reports.
# Debian/Ubuntu; run as root (or with sudo). Does nothing for what is already installed.
set -euo pipefail

need=()
command -v kcat >/dev/null 2>&1 || need+=(kcat)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)

if [ ${#need[@]} -eq 0 ]; then
  echo "prerequisites: all present"
  exit 0
fi

echo "prerequisites: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"

# Debian's packages start their services where an init system runs; the tests start their own
# instances on free 127.0.0.1 ports, so stop any that came up to keep ports and CPU free.
for service in influxdb prometheus prometheus-alertmanager; do
  if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
done
