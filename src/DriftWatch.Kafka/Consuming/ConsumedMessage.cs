namespace DriftWatch.Kafka.Consuming;

/// <summary>One raw message taken from Kafka, with where it came from.</summary>
public sealed record ConsumedMessage(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[] Value,
    DateTimeOffset BrokerTimestamp);
