"""Example and interop driver: publishes routed tickets, with an outcome shift, to DriftWatch's OTLP endpoint.

Usage: python3 send_decisions.py URL TOKEN BEFORE AFTER
"""
import sys

from driftwatch_client import DecisionPublisher, decision


def outcome(i, shifted):
    # Same deterministic behaviour as the .NET interop agent (tests/DriftWatch.Otlp.Tests/Interop/OutcomeShift.cs).
    roll = (i * 2654435761) % 4294967296 % 100
    if i % 3 == 0:
        return ("billing" if roll < 90 else "escalate") if shifted else ("escalate" if roll < 80 else "billing")
    return "billing" if roll < 70 else "faq"


def main(url, token, before, after):
    with DecisionPublisher(otlp_endpoint=url, token=token, batch_size=200) as publisher:
        for i in range(before + after):
            publisher.publish(decision("python-router", "route", outcome(i, i >= before), environment="production",
                                       features={"urgency": "high" if i % 3 == 0 else "low"},
                                       tool_calls=[{"name": "lookup_order", "status": "ok", "latency_ms": 20.0}],
                                       metrics={"latency_ms": 300.0, "tokens_in": 90}))
    print("sent %d decisions, %d dropped, %d rejected" % (publisher.sent, publisher.dropped, publisher.rejected))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
