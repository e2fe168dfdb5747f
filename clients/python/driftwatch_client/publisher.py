"""Decision events and their publisher. Never blocks the agent for long: a bounded buffer, drops counted."""

import datetime as _dt
import gzip
import hashlib
import json
import threading
import urllib.error
import urllib.request
import uuid

SCHEMA = "driftwatch.decision/v1"


def decision(agent_id, name, outcome, *, environment=None, agent_version=None, timestamp=None, confidence=None,
             features=None, input_text=None, output_text=None, sentiment=None, tool_calls=None, metrics=None,
             labels=None, state_version=None, event_id=None):
    """Builds one ``driftwatch.decision/v1`` event as a dict (optional fields only when given)."""
    ts = timestamp or _dt.datetime.now(_dt.timezone.utc)
    event = {
        "schema": SCHEMA,
        "event_id": event_id or str(uuid.uuid4()),
        "agent_id": agent_id,
        "timestamp": ts.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "decision": {"name": name, "outcome": outcome},
    }
    if environment is not None:
        event["environment"] = environment
    if agent_version is not None:
        event["agent_version"] = agent_version
    if confidence is not None:
        event["decision"]["confidence"] = confidence
    if features or input_text is not None:
        event["input"] = {k: v for k, v in (("text", input_text), ("features", features)) if v is not None}
    if output_text is not None or sentiment is not None:
        event["output"] = {k: v for k, v in (("text", output_text), ("sentiment", sentiment)) if v is not None}
    if tool_calls:
        event["tool_calls"] = tool_calls
    if metrics:
        event["metrics"] = metrics
    if labels:
        event["labels"] = labels
    if state_version is not None:
        event["state_version"] = state_version
    return event


def _nanos(timestamp):
    parsed = _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    delta = parsed - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def _kv(key, value):
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"key": key, "value": {"doubleValue": float(value)}}
    return {"key": key, "value": {"stringValue": str(value)}}


def _ids(event_id, suffix=""):
    digest = hashlib.sha256((event_id + suffix).encode("utf-8")).hexdigest()
    return digest[:32], digest[32:48]


def to_otlp_request(events):
    """OTLP JSON ExportTraceServiceRequest for events: one decision span each, one execute_tool child per tool call."""
    resource_spans = []
    for e in events:
        trace_id, span_id = _ids(e["event_id"])
        end = _nanos(e["timestamp"])
        metrics = e.get("metrics", {})
        start = end - int(round(metrics["latency_ms"] * 1e6)) if "latency_ms" in metrics else end
        attributes = [_kv("driftwatch.decision.name", e["decision"]["name"]),
                      _kv("driftwatch.decision.outcome", e["decision"]["outcome"])]
        if "confidence" in e["decision"]:
            attributes.append(_kv("driftwatch.decision.confidence", e["decision"]["confidence"]))
        for key, value in e.get("input", {}).get("features", {}).items():
            attributes.append(_kv("driftwatch.input." + key, str(value)))
        if "text" in e.get("input", {}):
            attributes.append(_kv("driftwatch.input.text", e["input"]["text"]))
        if "text" in e.get("output", {}):
            attributes.append(_kv("driftwatch.output.text", e["output"]["text"]))
        if "sentiment" in e.get("output", {}):
            attributes.append(_kv("driftwatch.output.sentiment", e["output"]["sentiment"]))
        for key, value in metrics.items():
            attributes.append(_kv("driftwatch.metric." + key, value))
        for key, value in e.get("labels", {}).items():
            attributes.append(_kv("driftwatch.label." + key, str(value)))
        if "state_version" in e:
            attributes.append(_kv("driftwatch.state_version", e["state_version"]))
        spans = []
        for index, call in enumerate(e.get("tool_calls", [])):
            _, tool_id = _ids(e["event_id"], "/tool/%d" % index)
            duration = int(round((call.get("latency_ms") or 0) * 1e6))
            tool = {"traceId": trace_id, "spanId": tool_id, "parentSpanId": span_id, "name": "execute_tool " + call["name"],
                    "kind": 1, "startTimeUnixNano": str(end - duration), "endTimeUnixNano": str(end),
                    "attributes": [_kv("gen_ai.operation.name", "execute_tool"), _kv("gen_ai.tool.name", call["name"])]}
            if call.get("status") == "error":
                tool["status"] = {"code": 2}
            spans.append(tool)
        spans.append({"traceId": trace_id, "spanId": span_id, "name": e["decision"]["name"], "kind": 1,
                      "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": attributes})
        resource = [_kv("service.name", e["agent_id"]), _kv("deployment.environment.name", e.get("environment", "production"))]
        if "agent_version" in e:
            resource.append(_kv("service.version", e["agent_version"]))
        resource_spans.append({"resource": {"attributes": resource},
                               "scopeSpans": [{"scope": {"name": "driftwatch_client"}, "spans": spans}]})
    return {"resourceSpans": resource_spans}


class DecisionPublisher:
    """Buffers decision events and sends them in batches.

    ``DecisionPublisher(otlp_endpoint="http://127.0.0.1:9464/v1/traces", token="...")`` sends OTLP JSON (gzip);
    ``DecisionPublisher(bootstrap_servers="localhost:9092", topic="agent-decisions")`` produces contract JSON to
    Kafka keyed by agent_id (requires confluent-kafka, with an idempotent producer). ``publish`` never blocks:
    when the buffer holds ``max_buffer`` events the event is dropped and counted in ``dropped``.
    """

    def __init__(self, *, otlp_endpoint=None, token=None, bootstrap_servers=None, topic="agent-decisions",
                 max_buffer=10_000, batch_size=512, timeout=10.0):
        if (otlp_endpoint is None) == (bootstrap_servers is None):
            raise ValueError("give exactly one of otlp_endpoint or bootstrap_servers")
        self._endpoint, self._token, self._topic = otlp_endpoint, token, topic
        self._max_buffer, self._batch_size, self._timeout = max_buffer, batch_size, timeout
        self._buffer = []
        self._lock = threading.Lock()
        self.dropped = 0
        self.sent = 0
        self.rejected = 0
        self._producer = None
        if bootstrap_servers is not None:
            from confluent_kafka import Producer  # optional dependency, imported only for the Kafka path
            self._producer = Producer({"bootstrap.servers": bootstrap_servers, "enable.idempotence": True})

    def publish(self, event):
        """Queues one event (a dict from ``decision``); returns False when it was dropped."""
        with self._lock:
            if len(self._buffer) >= self._max_buffer:
                self.dropped += 1
                return False
            self._buffer.append(event)
            full = len(self._buffer) >= self._batch_size
        if full:
            self.flush()
        return True

    def flush(self):
        """Sends everything buffered; raises on a transport error (events stay buffered for a retry)."""
        while True:
            with self._lock:
                batch = self._buffer[:self._batch_size]
            if not batch:
                return
            if self._producer is not None:
                self._send_kafka(batch)
            else:
                self._send_otlp(batch)
            with self._lock:
                del self._buffer[:len(batch)]
                self.sent += len(batch)

    def _send_otlp(self, batch):
        body = gzip.compress(json.dumps(to_otlp_request(batch), separators=(",", ":")).encode("utf-8"))
        request = urllib.request.Request(self._endpoint, data=body, method="POST", headers={
            "Content-Type": "application/json", "Content-Encoding": "gzip", "Authorization": "Bearer %s" % self._token})
        with urllib.request.urlopen(request, timeout=self._timeout) as response:
            answer = json.loads(response.read() or b"{}")
        partial = answer.get("partialSuccess") or {}
        self.rejected += int(partial.get("rejectedSpans", 0))

    def _send_kafka(self, batch):
        for event in batch:
            self._producer.produce(self._topic, key=event["agent_id"].encode("utf-8"),
                                   value=json.dumps(event, separators=(",", ":")).encode("utf-8"))
        if self._producer.flush(self._timeout) > 0:
            raise RuntimeError("Kafka did not acknowledge every event in time")

    def close(self):
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
