import datetime as dt
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from driftwatch_client import DecisionPublisher, decision, to_otlp_request  # noqa: E402


class DecisionTests(unittest.TestCase):
    def test_decision_minimal_has_required_fields_only(self):
        e = decision("router", "route", "billing", timestamp=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc), event_id="e1")
        self.assertEqual(e, {"schema": "driftwatch.decision/v1", "event_id": "e1", "agent_id": "router",
                             "timestamp": "2026-03-02T08:00:00.000Z", "decision": {"name": "route", "outcome": "billing"}})

    def test_to_otlp_request_tool_calls_become_child_spans_before_the_decision(self):
        e = decision("router", "route", "billing", event_id="e1", metrics={"latency_ms": 500.0},
                     tool_calls=[{"name": "lookup", "status": "error", "latency_ms": 12.5}], features={"urgency": "high"})
        spans = to_otlp_request([e])["resourceSpans"][0]["scopeSpans"][0]["spans"]
        self.assertEqual(["execute_tool lookup", "route"], [s["name"] for s in spans])
        self.assertEqual(spans[1]["spanId"], spans[0]["parentSpanId"])
        self.assertEqual({"code": 2}, spans[0]["status"])
        self.assertEqual(500_000_000, int(spans[1]["endTimeUnixNano"]) - int(spans[1]["startTimeUnixNano"]))
        self.assertIn({"key": "driftwatch.input.urgency", "value": {"stringValue": "high"}}, spans[1]["attributes"])
        self.assertEqual(32, len(spans[1]["traceId"]))

    def test_publish_beyond_buffer_drops_and_counts(self):
        publisher = DecisionPublisher(otlp_endpoint="http://127.0.0.1:9/v1/traces", token="t", max_buffer=2, batch_size=10)
        self.assertTrue(publisher.publish(decision("a", "n", "o")))
        self.assertTrue(publisher.publish(decision("a", "n", "o")))
        self.assertFalse(publisher.publish(decision("a", "n", "o")))
        self.assertEqual(1, publisher.dropped)

    def test_constructor_needs_exactly_one_transport(self):
        with self.assertRaises(ValueError):
            DecisionPublisher()


if __name__ == "__main__":
    unittest.main()
