#!/usr/bin/env bash
# Installs the programs DriftWatch's integration tests run for real: kcat (an external Kafka client),
# influxd (InfluxDB 1.x), Prometheus and Alertmanager, headless Chromium for HTML reports, and node/npm with
# the OpenTelemetry JS exporter for the OTLP interop test.
# Debian/Ubuntu; run as root (or with sudo). Does nothing for what is already installed.
set -euo pipefail

need=()
command -v kcat >/dev/null 2>&1 || need+=(kcat)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)

if [ ${#need[@]} -eq 0 ]; then
  echo "prerequisites: all packages present"
else
  echo "prerequisites: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# The OpenTelemetry JS exporter for the OTLP interop test, installed beside its script (the test installs it
# itself when this step could not run; npm's cache makes a later offline install work).
interop="$(dirname "$0")/../tests/DriftWatch.Otlp.Tests/Interop/node"
if [ -f "$interop/package.json" ] && [ ! -d "$interop/node_modules/@opentelemetry/exporter-trace-otlp-http" ]; then
  (cd "$interop" && npm install --no-audit --no-fund --no-package-lock --prefer-offline --loglevel=error) \
    || echo "prerequisites: npm install for the OTLP interop test failed; the test will try again"
fi

# Debian's packages start their services where an init system runs; the tests start their own
# instances on free 127.0.0.1 ports, so stop any that came up to keep ports and CPU free.
for service in influxdb prometheus prometheus-alertmanager; do
  if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
done
