namespace DriftWatch.Api.Hosting;

/// <summary>Which agents are rolled back automatically, and how commands reach them.</summary>
public sealed class RollbackOptions
{
    /// <summary>
    /// Agents that may be rolled back automatically. Alerts for other agents are recorded as not allowed.
    /// Default empty: nothing is rolled back until agents are listed.
    /// </summary>
    public IList<string> AllowedAgents { get; set; } = [];

    /// <summary>When true, plans are made and audited but not executed. Default false.</summary>
    public bool DryRun { get; set; }

    /// <summary>The append-only JSONL audit file. Default <c>.driftwatch/audit.jsonl</c>.</summary>
    public string AuditFilePath { get; set; } = ".driftwatch/audit.jsonl";

    /// <summary>Per agent id, the runtime URL rollback commands are POSTed to (e.g. <c>http://host/control/rollback</c>).</summary>
    public IDictionary<string, string> RuntimeUrls { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Kafka bootstrap servers for the control and audit topics. Null (default) disables Kafka.</summary>
    public string? KafkaBootstrapServers { get; set; }

    /// <summary>Topic rollback commands are published on, keyed by agent id. Default <c>agent-control</c>.</summary>
    public string ControlTopic { get; set; } = "agent-control";

    /// <summary>Topic audit records are copied to when Kafka is configured; empty disables it. Default <c>driftwatch-audit</c>.</summary>
    public string? AuditTopic { get; set; } = "driftwatch-audit";

    /// <summary>Attempts per delivery path before a rollback is reported as failed. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubles each retry up to <see cref="MaxBackoff"/>. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between two attempts. Default 10 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one attempt of any delivery path. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Rollbacks delivered at the same time, across agents. One agent's rollbacks run one after another, so an
    /// unreachable runtime holds up only its own agent. Default 8.
    /// </summary>
    public int MaxConcurrentDeliveries { get; set; } = 8;

    internal bool KafkaEnabled => !string.IsNullOrWhiteSpace(KafkaBootstrapServers);

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(AuditFilePath))
        {
            yield return "DriftWatch:Api:Rollback:AuditFilePath must not be empty.";
        }

        if (KafkaEnabled && string.IsNullOrWhiteSpace(ControlTopic))
        {
            yield return "DriftWatch:Api:Rollback:ControlTopic must not be empty when KafkaBootstrapServers is set.";
        }

        foreach (var (agent, url) in RuntimeUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"DriftWatch:Api:Rollback:RuntimeUrls:{agent} must be an absolute http(s) URL, got '{url}'.";
            }
        }

        foreach (var agent in AllowedAgents)
        {
            if (!KafkaEnabled && !RuntimeUrls.ContainsKey(agent))
            {
                yield return $"DriftWatch:Api:Rollback:AllowedAgents lists '{agent}', but it has no RuntimeUrls entry and KafkaBootstrapServers is not set, so a rollback could not reach it.";
            }
        }

        if (MaxAttempts < 1)
        {
            yield return "DriftWatch:Api:Rollback:MaxAttempts must be at least 1.";
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            yield return "DriftWatch:Api:Rollback:InitialBackoff must be >= 0 and MaxBackoff >= InitialBackoff.";
        }

        if (MaxConcurrentDeliveries < 1)
        {
            yield return "DriftWatch:Api:Rollback:MaxConcurrentDeliveries must be at least 1.";
        }

        if (InitialBackoff > TimeSpan.FromDays(1) || MaxBackoff > TimeSpan.FromDays(1))
        {
            yield return "DriftWatch:Api:Rollback:InitialBackoff and MaxBackoff must be at most one day.";
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            yield return "DriftWatch:Api:Rollback:AttemptTimeout must be positive.";
        }
    }
}
