"""DriftWatch client for Python agents (standard library only; confluent-kafka optional).

Publishes decision events (the ``driftwatch.decision/v1`` contract, docs/contracts.md) to DriftWatch, either
to its OTLP/HTTP endpoint (``POST /v1/traces``, as OTLP JSON spans carrying ``driftwatch.*`` attributes) or
straight to the Kafka input topic (needs ``confluent-kafka``).
"""

from .publisher import DecisionPublisher, decision, to_otlp_request

__all__ = ["DecisionPublisher", "decision", "to_otlp_request"]
