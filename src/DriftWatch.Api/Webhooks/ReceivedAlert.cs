namespace DriftWatch.Api.Webhooks;

/// <summary>Which alerting system sent a notification.</summary>
internal enum AlertSource
{
    Grafana,
    Alertmanager,
}

/// <summary>One alert of a notification, the same shape for Grafana and Alertmanager.</summary>
internal sealed record ReceivedAlert(
    bool Firing,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    string Fingerprint)
{
    /// <summary>One alert episode: redeliveries of it share the key, a new firing of the same series does not.</summary>
    public string Key => $"{Fingerprint}@{StartsAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}";
}

/// <summary>A parsed webhook notification.</summary>
internal sealed record AlertNotification(AlertSource Source, string? Receiver, IReadOnlyList<ReceivedAlert> Alerts);
