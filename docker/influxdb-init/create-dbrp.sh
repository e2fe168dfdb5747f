#!/bin/bash
# Runs once, after the influxdb image's setup mode created the organisation and bucket: maps the InfluxQL
# database/retention policy driftwatch/autogen to that bucket, so InfluxQL (Grafana, DriftWatch's V1 mode)
# reads and writes the same data as the v2 API.
set -euo pipefail
influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db driftwatch \
  --rp autogen \
  --default
