namespace DriftWatch.Otlp.Ingest;

/// <summary>Settings of OTLP trace ingest (section <c>DriftWatch:Otlp</c> by convention).</summary>
public sealed class OtlpIngestOptions
{
    /// <summary>
    /// Token expected as <c>Authorization: Bearer ...</c> on <c>POST /v1/traces</c>. Required: spans are never
    /// accepted unauthenticated.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>Largest request body as sent (compressed or not); larger ones get 413. Default 8 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 8L << 20;

    /// <summary>Largest body after gzip decompression; larger ones get 413. Default 64 MiB.</summary>
    public long MaxDecompressedBytes { get; set; } = 64L << 20;

    /// <summary>
    /// How long a decision span waits for <c>execute_tool</c> child spans that arrive in later requests; its
    /// HTTP answer waits as long, because it is sent only once the decision is published. Default zero: SDK
    /// exporters send children in the same or an earlier request (children end first, and spans are exported
    /// in end order), and those are joined without waiting. Set it (e.g. 2 s) behind a pipeline that reorders.
    /// </summary>
    public TimeSpan ToolSpanWait { get; set; } = TimeSpan.Zero;

    /// <summary>How long a tool span that arrived before its decision waits for it. Default 30 seconds.</summary>
    public TimeSpan OrphanToolSpanWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most decisions held and most tool spans waiting for a parent at once. Default 100,000.</summary>
    public int JoinCapacity { get; set; } = 100_000;

    /// <summary>Checks every setting and returns one message per problem, naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(BearerToken))
        {
            errors.Add("DriftWatch:Otlp:BearerToken must be set; spans are never accepted unauthenticated.");
        }

        if (MaxBodyBytes < 1024)
        {
            errors.Add("DriftWatch:Otlp:MaxBodyBytes must be at least 1024.");
        }

        if (MaxDecompressedBytes < MaxBodyBytes)
        {
            errors.Add("DriftWatch:Otlp:MaxDecompressedBytes must be at least MaxBodyBytes.");
        }

        if (ToolSpanWait < TimeSpan.Zero || ToolSpanWait > TimeSpan.FromMinutes(1))
        {
            errors.Add("DriftWatch:Otlp:ToolSpanWait must be between 0 and 1 minute.");
        }

        if (OrphanToolSpanWait < TimeSpan.Zero || OrphanToolSpanWait > TimeSpan.FromMinutes(10))
        {
            errors.Add("DriftWatch:Otlp:OrphanToolSpanWait must be between 0 and 10 minutes.");
        }

        if (JoinCapacity < 1)
        {
            errors.Add("DriftWatch:Otlp:JoinCapacity must be at least 1.");
        }

        return errors;
    }
}
