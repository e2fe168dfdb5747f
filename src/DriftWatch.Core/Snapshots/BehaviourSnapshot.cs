namespace DriftWatch.Core.Snapshots;

/// <summary>
/// A mergeable, content-addressed statistical profile of one agent's behaviour over a time range: category
/// counts, quantile sketches, text n-gram profiles and outcome tables per input segment. Immutable.
/// </summary>
/// <remarks>
/// Build one with <see cref="SnapshotBuilder"/>; combine two with <see cref="Merge"/>. The
/// <see cref="Id"/> is <c>sha256:</c> plus the hex SHA-256 of the canonical JSON without the id, so the
/// same content always has the same id.
/// </remarks>
public sealed class BehaviourSnapshot
{
    /// <summary>Schema identifier written into the JSON form.</summary>
    public const string SchemaId = "driftwatch.snapshot/v1";

    internal BehaviourSnapshot(
        SnapshotScope scope,
        SnapshotOptions options,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long eventCount,
        CategoryCounts agentVersions,
        CategoryCounts stateVersions,
        SortedDictionary<string, CategoryCounts> categorical,
        SortedDictionary<SegmentKey, CategoryCounts> outcomeBySegment,
        SortedDictionary<string, QuantileSummary> numeric,
        SortedDictionary<string, TextProfile> text,
        SortedDictionary<string, IReadOnlyList<Exemplars.Exemplar>>? exemplars = null)
    {
        Scope = scope;
        Options = options;
        From = from;
        To = to;
        EventCount = eventCount;
        AgentVersions = agentVersions;
        StateVersions = stateVersions;
        Categorical = categorical;
        OutcomeBySegment = outcomeBySegment;
        Numeric = numeric;
        Text = text;
        Exemplars = exemplars ?? new SortedDictionary<string, IReadOnlyList<Exemplars.Exemplar>>(StringComparer.Ordinal);
        CanonicalJson = SnapshotJson.Write(this, id: null);
        Id = SnapshotJson.ContentId(CanonicalJson);
    }

    /// <summary>Content address: <c>sha256:</c> followed by 64 lowercase hex digits.</summary>
    public string Id { get; }

    /// <summary>The agent, environment and (optionally) decision profiled.</summary>
    public SnapshotScope Scope { get; }

    /// <summary>The size limits the snapshot was built with.</summary>
    public SnapshotOptions Options { get; }

    /// <summary>Timestamp of the earliest event; null when the snapshot is empty.</summary>
    public DateTimeOffset? From { get; }

    /// <summary>Timestamp of the latest event; null when the snapshot is empty.</summary>
    public DateTimeOffset? To { get; }

    /// <summary>Number of decision events profiled.</summary>
    public long EventCount { get; }

    /// <summary>agent_version values seen, with event counts (events without one are not counted).</summary>
    public CategoryCounts AgentVersions { get; }

    /// <summary>state_version values seen, with event counts (events without one are not counted).</summary>
    public CategoryCounts StateVersions { get; }

    /// <summary>
    /// Categorical features by contract name: decision.outcome, input.features.&lt;k&gt;, labels.&lt;k&gt;,
    /// tool_calls.name, tool_calls.status.
    /// </summary>
    public IReadOnlyDictionary<string, CategoryCounts> Categorical { get; }

    /// <summary>decision.outcome counts within each input segment (the conditional features).</summary>
    public IReadOnlyDictionary<SegmentKey, CategoryCounts> OutcomeBySegment { get; }

    /// <summary>Numeric features: decision.confidence, output.sentiment, metrics.&lt;k&gt;.</summary>
    public IReadOnlyDictionary<string, QuantileSummary> Numeric { get; }

    /// <summary>Text features: input.text, output.text.</summary>
    public IReadOnlyDictionary<string, TextProfile> Text { get; }

    /// <summary>
    /// Example decisions per segment (<c>all</c>, <c>key=value</c>), oldest first: a uniform sample of at most
    /// <see cref="SnapshotOptions.ExemplarsPerSegment"/> each, texts cut to 160 characters. Empty in snapshots
    /// written before exemplars existed.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Exemplars.Exemplar>> Exemplars { get; }

    internal byte[] CanonicalJson { get; }

    /// <summary>
    /// Combines two snapshots of the same scope and limits. Counts add exactly; quantiles stay within the
    /// sketch's rank error bound; the time range is the union.
    /// </summary>
    public static BehaviourSnapshot Merge(BehaviourSnapshot a, BehaviourSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Scope != b.Scope)
        {
            throw new ArgumentException($"Cannot merge snapshots of different scopes ({a.Scope} and {b.Scope}).", nameof(b));
        }

        if (!a.Options.SameLimits(b.Options))
        {
            throw new ArgumentException("Cannot merge snapshots built with different size limits.", nameof(b));
        }

        var accumulator = new SnapshotAccumulator(a.Scope, a.Options);
        accumulator.AddAll(a);
        accumulator.AddAll(b);
        return accumulator.ToSnapshot();
    }

    /// <summary>The canonical JSON form (UTF-8), including the id.</summary>
    public byte[] ToUtf8Json() => SnapshotJson.Write(this, Id);

    /// <summary>The canonical JSON form, including the id.</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToUtf8Json());

    /// <summary>
    /// Reads a snapshot written by <see cref="ToUtf8Json"/>. Throws <see cref="FormatException"/> when the
    /// JSON is malformed or its content does not match its id.
    /// </summary>
    public static BehaviourSnapshot FromJson(ReadOnlySpan<byte> utf8Json) => SnapshotJson.Read(utf8Json);

    /// <inheritdoc cref="FromJson(ReadOnlySpan{byte})"/>
    public static BehaviourSnapshot FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SnapshotJson.Read(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The id, scope and time range.</summary>
    public override string ToString() => $"{Id} {Scope} [{From:O} .. {To:O}] {EventCount} events";
}
