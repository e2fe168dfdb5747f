using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// The canonical JSON form of a snapshot: fixed property order, maps in ordinal key order, sketch levels
/// sorted and stored as base64 little-endian doubles, times in UTC. Identical content gives identical
/// bytes, which is what the content id hashes.
/// </summary>
internal static class SnapshotJson
{
    private const string IdPrefix = "sha256:";

    public static string ContentId(byte[] canonicalWithoutId) =>
        IdPrefix + Convert.ToHexStringLower(SHA256.HashData(canonicalWithoutId));

    public static byte[] Write(BehaviourSnapshot s, string? id)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", BehaviourSnapshot.SchemaId);
            if (id is not null)
            {
                w.WriteString("id", id);
            }

            w.WriteStartObject("scope");
            w.WriteString("agent_id", s.Scope.AgentId);
            w.WriteString("environment", s.Scope.Environment);
            if (s.Scope.DecisionName is { } decision)
            {
                w.WriteString("decision_name", decision);
            }

            w.WriteEndObject();
            WriteLimits(w, s.Options);
            if (s.From is { } from && s.To is { } to)
            {
                w.WriteString("from", Time(from));
                w.WriteString("to", Time(to));
            }

            w.WriteNumber("event_count", s.EventCount);
            w.WritePropertyName("agent_versions");
            WriteCounts(w, s.AgentVersions);
            w.WritePropertyName("state_versions");
            WriteCounts(w, s.StateVersions);

            w.WriteStartObject("categorical");
            foreach (var (feature, counts) in s.Categorical)
            {
                w.WritePropertyName(feature);
                WriteCounts(w, counts);
            }

            w.WriteEndObject();

            w.WriteStartArray("segments");
            foreach (var (segment, counts) in s.OutcomeBySegment)
            {
                w.WriteStartObject();
                w.WriteString("feature", segment.InputFeature);
                w.WriteString("value", segment.Value);
                w.WritePropertyName("outcomes");
                WriteCounts(w, counts);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartObject("numeric");
            foreach (var (feature, summary) in s.Numeric)
            {
                w.WritePropertyName(feature);
                WriteSketch(w, summary.Sketch);
            }

            w.WriteEndObject();

            w.WriteStartObject("text");
            foreach (var (feature, profile) in s.Text)
            {
                w.WritePropertyName(feature);
                WriteText(w, profile);
            }

            w.WriteEndObject();

            // Written only when there are some, so snapshots without exemplars keep their bytes and ids.
            if (s.Exemplars.Count > 0)
            {
                w.WriteStartObject("exemplars");
                foreach (var (segment, list) in s.Exemplars)
                {
                    w.WriteStartArray(segment);
                    foreach (var e in list)
                    {
                        w.WriteStartObject();
                        w.WriteString("event_id", e.EventId);
                        w.WriteString("timestamp", Time(e.Timestamp));
                        w.WriteString("outcome", e.Outcome);
                        if (e.InputText is { } input)
                        {
                            w.WriteString("input_text", input);
                        }

                        if (e.OutputText is { } output)
                        {
                            w.WriteString("output_text", output);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static BehaviourSnapshot Read(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            var schema = root.GetProperty("schema").GetString();
            if (schema != BehaviourSnapshot.SchemaId)
            {
                throw new FormatException($"Unknown snapshot schema '{schema}'; expected {BehaviourSnapshot.SchemaId}.");
            }

            var scopeJson = root.GetProperty("scope");
            var scope = new SnapshotScope(
                scopeJson.GetProperty("agent_id").GetString()!,
                scopeJson.GetProperty("environment").GetString()!,
                scopeJson.TryGetProperty("decision_name", out var d) ? d.GetString() : null);
            var options = ReadLimits(root.GetProperty("limits"));
            DateTimeOffset? from = root.TryGetProperty("from", out var f) ? ParseTime(f) : null;
            DateTimeOffset? to = root.TryGetProperty("to", out var t) ? ParseTime(t) : null;

            var categorical = new SortedDictionary<string, CategoryCounts>(StringComparer.Ordinal);
            foreach (var p in root.GetProperty("categorical").EnumerateObject())
            {
                categorical[p.Name] = ReadCounts(p.Value);
            }

            var segments = new SortedDictionary<SegmentKey, CategoryCounts>();
            foreach (var item in root.GetProperty("segments").EnumerateArray())
            {
                var key = new SegmentKey(item.GetProperty("feature").GetString()!, item.GetProperty("value").GetString()!);
                segments[key] = ReadCounts(item.GetProperty("outcomes"));
            }

            var numeric = new SortedDictionary<string, QuantileSummary>(StringComparer.Ordinal);
            foreach (var p in root.GetProperty("numeric").EnumerateObject())
            {
                numeric[p.Name] = new QuantileSummary(ReadSketch(p.Value));
            }

            var text = new SortedDictionary<string, TextProfile>(StringComparer.Ordinal);
            foreach (var p in root.GetProperty("text").EnumerateObject())
            {
                text[p.Name] = ReadText(p.Value);
            }

            var snapshot = new BehaviourSnapshot(
                scope,
                options,
                from,
                to,
                root.GetProperty("event_count").GetInt64(),
                ReadCounts(root.GetProperty("agent_versions")),
                ReadCounts(root.GetProperty("state_versions")),
                categorical,
                segments,
                numeric,
                text,
                ReadExemplars(root));
            if (root.TryGetProperty("id", out var idJson) && idJson.GetString() != snapshot.Id)
            {
                throw new FormatException($"Snapshot content does not match its id {idJson.GetString()} (content hashes to {snapshot.Id}).");
            }

            return snapshot;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"Not a valid {BehaviourSnapshot.SchemaId} document: {ex.Message}", ex);
        }
    }

    private static SortedDictionary<string, IReadOnlyList<Exemplars.Exemplar>> ReadExemplars(JsonElement root)
    {
        var map = new SortedDictionary<string, IReadOnlyList<Exemplars.Exemplar>>(StringComparer.Ordinal);
        if (!root.TryGetProperty("exemplars", out var exemplars))
        {
            return map;
        }

        foreach (var segment in exemplars.EnumerateObject())
        {
            var list = new List<Exemplars.Exemplar>();
            foreach (var e in segment.Value.EnumerateArray())
            {
                string id = e.GetProperty("event_id").GetString()!;
                list.Add(new Exemplars.Exemplar(
                    id,
                    ParseTime(e.GetProperty("timestamp")),
                    e.GetProperty("outcome").GetString()!,
                    e.TryGetProperty("input_text", out var input) ? input.GetString() : null,
                    e.TryGetProperty("output_text", out var output) ? output.GetString() : null)
                {
                    Rank = Exemplars.Exemplar.RankOf(id),
                });
            }

            map[segment.Name] = list;
        }

        return map;
    }

    private static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(JsonElement e) =>
        DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    private static void WriteLimits(Utf8JsonWriter w, SnapshotOptions o)
    {
        w.WriteStartObject("limits");
        w.WriteNumber("max_categories", o.MaxCategoriesPerFeature);
        w.WriteNumber("max_segments", o.MaxSegmentsPerFeature);
        w.WriteNumber("max_keys_per_family", o.MaxKeysPerFamily);
        w.WriteNumber("max_versions", o.MaxVersions);
        w.WriteNumber("sketch_k", o.SketchK);
        w.WriteNumber("text_buckets", o.TextBuckets);
        w.WriteNumber("top_terms", o.TopTerms);
        w.WriteEndObject();
    }

    private static SnapshotOptions ReadLimits(JsonElement e)
    {
        var options = new SnapshotOptions
        {
            MaxCategoriesPerFeature = e.GetProperty("max_categories").GetInt32(),
            MaxSegmentsPerFeature = e.GetProperty("max_segments").GetInt32(),
            MaxKeysPerFamily = e.GetProperty("max_keys_per_family").GetInt32(),
            MaxVersions = e.GetProperty("max_versions").GetInt32(),
            SketchK = e.GetProperty("sketch_k").GetInt32(),
            TextBuckets = e.GetProperty("text_buckets").GetInt32(),
            TopTerms = e.GetProperty("top_terms").GetInt32(),
        };
        options.Validate();
        return options;
    }

    private static void WriteCounts(Utf8JsonWriter w, CategoryCounts counts)
    {
        w.WriteStartObject();
        foreach (var (key, n) in counts.Counts)
        {
            w.WriteNumber(key, n);
        }

        w.WriteEndObject();
    }

    private static CategoryCounts ReadCounts(JsonElement e)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            counts[p.Name] = p.Value.GetInt64();
        }

        return new CategoryCounts(counts);
    }

    private static void WriteSketch(Utf8JsonWriter w, KllSketch sketch)
    {
        w.WriteStartObject();
        w.WriteNumber("k", sketch.K);
        w.WriteNumber("count", sketch.Count);
        w.WriteNumber("min", sketch.Min);
        w.WriteNumber("max", sketch.Max);
        w.WriteStartArray("levels");
        foreach (var level in sketch.Levels)
        {
            // Items within a level are unordered for the sketch, so they are sorted to make the bytes canonical.
            var sorted = level.ToArray();
            Array.Sort(sorted);
            var bytes = new byte[sorted.Length * sizeof(double)];
            for (var i = 0; i < sorted.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), sorted[i]);
            }

            w.WriteBase64StringValue(bytes);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static KllSketch ReadSketch(JsonElement e)
    {
        var levels = new List<double[]>();
        foreach (var level in e.GetProperty("levels").EnumerateArray())
        {
            var bytes = level.GetBytesFromBase64();
            if (bytes.Length % sizeof(double) != 0)
            {
                throw new FormatException("A sketch level is not a whole number of doubles.");
            }

            var items = new double[bytes.Length / sizeof(double)];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)));
            }

            levels.Add(items);
        }

        return KllSketch.Restore(
            e.GetProperty("k").GetInt32(),
            e.GetProperty("count").GetInt64(),
            e.GetProperty("min").GetDouble(),
            e.GetProperty("max").GetDouble(),
            levels);
    }

    private static void WriteText(Utf8JsonWriter w, TextProfile profile)
    {
        w.WriteStartObject();
        w.WriteNumber("documents", profile.Documents);
        w.WriteNumber("tokens", profile.Tokens);
        w.WriteStartArray("buckets");
        foreach (var n in profile.BucketCounts)
        {
            w.WriteNumberValue(n);
        }

        w.WriteEndArray();
        w.WriteStartObject("top_terms");
        foreach (var (term, n) in profile.TopTerms)
        {
            w.WriteNumber(term, n);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static TextProfile ReadText(JsonElement e)
    {
        var buckets = e.GetProperty("buckets").EnumerateArray().Select(static b => b.GetInt64()).ToArray();
        var top = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in e.GetProperty("top_terms").EnumerateObject())
        {
            top[p.Name] = p.Value.GetInt64();
        }

        return new TextProfile(e.GetProperty("documents").GetInt64(), e.GetProperty("tokens").GetInt64(), buckets, top);
    }
}
