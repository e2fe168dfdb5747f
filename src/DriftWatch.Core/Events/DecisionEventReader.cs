using System.Text.Json;
using static DriftWatch.Core.Events.JsonFieldReader;

namespace DriftWatch.Core.Events;

/// <summary>
/// Reads the body of a <c>driftwatch.decision/v1</c> message in one forward pass. Known fields may appear
/// in any order, each at most once (a repeated known field is an error, so two consumers can never read
/// different values from one message); unknown fields are skipped; <c>null</c> counts as absent for
/// optional fields.
/// </summary>
internal static class DecisionEventReader
{
    /// <summary>Required fields by path, in the order they are checked.</summary>
    internal static readonly IReadOnlyList<string> RequiredFields =
        ["schema", "event_id", "agent_id", "timestamp", "decision.name", "decision.outcome"];

    private const string SentimentRule = "a number in [-1, 1]";
    private const string ConfidenceRule = "a number in [0, 1]";
    private const int MaxId = EventLimits.MaxIdentifierLength;
    private const int MaxText = EventLimits.MaxTextLength;

    [Flags]
    private enum Seen
    {
        None = 0,
        Schema = 1 << 0,
        EventId = 1 << 1,
        AgentId = 1 << 2,
        AgentVersion = 1 << 3,
        Environment = 1 << 4,
        Timestamp = 1 << 5,
        Decision = 1 << 6,
        Input = 1 << 7,
        Output = 1 << 8,
        ToolCalls = 1 << 9,
        Metrics = 1 << 10,
        Labels = 1 << 11,
        StateVersion = 1 << 12,
        TraceId = 1 << 13,
        SpanId = 1 << 14,
        ParentAgentId = 1 << 15,
    }

    /// <summary>Reads from the message's StartObject to its EndObject.</summary>
    internal static string? Read(ref Utf8JsonReader r, out DecisionEvent? result)
    {
        result = null;
        var seen = Seen.None;
        var d = new Draft();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            (Seen field, string path) = Classify(ref r);
            r.Read();
            if (field == Seen.None)
            {
                r.Skip();
                continue;
            }

            if ((seen & field) != 0)
            {
                return Duplicate(path);
            }

            seen |= field;
            string? error = ReadField(ref r, field, path, ref d);
            if (error is not null)
            {
                return error;
            }
        }

        string? missing =
            (seen & Seen.EventId) == 0 ? "event_id" :
            (seen & Seen.AgentId) == 0 ? "agent_id" :
            (seen & Seen.Timestamp) == 0 ? "timestamp" :
            (seen & Seen.Decision) == 0 ? "decision" :
            d.Name is null ? "decision.name" :
            d.Outcome is null ? "decision.outcome" :
            null;
        if (missing is not null)
        {
            return Missing(missing);
        }

        result = new DecisionEvent
        {
            EventId = d.EventId!,
            AgentId = d.AgentId!,
            AgentVersion = d.AgentVersion,
            Environment = d.Environment ?? DecisionEvent.DefaultEnvironment,
            Timestamp = d.Timestamp,
            DecisionName = d.Name!,
            Outcome = d.Outcome!,
            Confidence = d.Confidence,
            InputText = d.InputText,
            InputFeatures = d.Features ?? DecisionEvent.EmptyStrings,
            OutputText = d.OutputText,
            Sentiment = d.Sentiment,
            ToolCalls = d.ToolCalls ?? [],
            Metrics = d.Metrics ?? DecisionEvent.EmptyNumbers,
            Labels = d.Labels ?? DecisionEvent.EmptyStrings,
            StateVersion = d.StateVersion,
            TraceId = d.TraceId,
            SpanId = d.SpanId,
            ParentAgentId = d.ParentAgentId,
        };
        return null;
    }

    private static (Seen Field, string Path) Classify(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped && !r.HasValueSequence)
        {
            return ClassifyPlain(r.ValueSpan);
        }

        if (r.ValueTextEquals("schema"u8)) return (Seen.Schema, "schema");
        if (r.ValueTextEquals("event_id"u8)) return (Seen.EventId, "event_id");
        if (r.ValueTextEquals("agent_id"u8)) return (Seen.AgentId, "agent_id");
        if (r.ValueTextEquals("agent_version"u8)) return (Seen.AgentVersion, "agent_version");
        if (r.ValueTextEquals("environment"u8)) return (Seen.Environment, "environment");
        if (r.ValueTextEquals("timestamp"u8)) return (Seen.Timestamp, "timestamp");
        if (r.ValueTextEquals("decision"u8)) return (Seen.Decision, "decision");
        if (r.ValueTextEquals("input"u8)) return (Seen.Input, "input");
        if (r.ValueTextEquals("output"u8)) return (Seen.Output, "output");
        if (r.ValueTextEquals("tool_calls"u8)) return (Seen.ToolCalls, "tool_calls");
        if (r.ValueTextEquals("metrics"u8)) return (Seen.Metrics, "metrics");
        if (r.ValueTextEquals("labels"u8)) return (Seen.Labels, "labels");
        if (r.ValueTextEquals("state_version"u8)) return (Seen.StateVersion, "state_version");
        if (r.ValueTextEquals("trace_id"u8)) return (Seen.TraceId, "trace_id");
        if (r.ValueTextEquals("span_id"u8)) return (Seen.SpanId, "span_id");
        if (r.ValueTextEquals("parent_agent_id"u8)) return (Seen.ParentAgentId, "parent_agent_id");
        return (Seen.None, string.Empty);
    }

    // Producers write plain names, so the name's length picks the one or few fields it can be: every property
    // of every event passes here, and comparing it against all sixteen names was a visible part of parsing.
    private static (Seen Field, string Path) ClassifyPlain(ReadOnlySpan<byte> name) => name.Length switch
    {
        5 when name.SequenceEqual("input"u8) => (Seen.Input, "input"),
        6 when name.SequenceEqual("schema"u8) => (Seen.Schema, "schema"),
        6 when name.SequenceEqual("output"u8) => (Seen.Output, "output"),
        6 when name.SequenceEqual("labels"u8) => (Seen.Labels, "labels"),
        7 when name.SequenceEqual("metrics"u8) => (Seen.Metrics, "metrics"),
        7 when name.SequenceEqual("span_id"u8) => (Seen.SpanId, "span_id"),
        8 when name.SequenceEqual("event_id"u8) => (Seen.EventId, "event_id"),
        8 when name.SequenceEqual("agent_id"u8) => (Seen.AgentId, "agent_id"),
        8 when name.SequenceEqual("decision"u8) => (Seen.Decision, "decision"),
        8 when name.SequenceEqual("trace_id"u8) => (Seen.TraceId, "trace_id"),
        9 when name.SequenceEqual("timestamp"u8) => (Seen.Timestamp, "timestamp"),
        10 when name.SequenceEqual("tool_calls"u8) => (Seen.ToolCalls, "tool_calls"),
        11 when name.SequenceEqual("environment"u8) => (Seen.Environment, "environment"),
        13 when name.SequenceEqual("agent_version"u8) => (Seen.AgentVersion, "agent_version"),
        13 when name.SequenceEqual("state_version"u8) => (Seen.StateVersion, "state_version"),
        15 when name.SequenceEqual("parent_agent_id"u8) => (Seen.ParentAgentId, "parent_agent_id"),
        _ => (Seen.None, string.Empty),
    };

    private static string? ReadField(ref Utf8JsonReader r, Seen field, string path, ref Draft d)
    {
        bool isNull = r.TokenType == JsonTokenType.Null;
        switch (field)
        {
            case Seen.Schema:
                // Already checked by AgentEventParser before this reader was chosen.
                return null;
            case Seen.EventId:
                return ReadString(ref r, path, MaxId, allowEmpty: false, out d.EventId);
            case Seen.AgentId:
                return ReadPooledString(ref r, path, MaxId, allowEmpty: false, out d.AgentId);
            case Seen.Timestamp:
                return CommonFields.ReadTimestamp(ref r, path, out d.Timestamp);
            case Seen.Decision:
                return ReadDecision(ref r, ref d);
            case Seen.AgentVersion when !isNull:
                return ReadPooledString(ref r, path, MaxId, allowEmpty: false, out d.AgentVersion);
            case Seen.Environment when !isNull:
                return CommonFields.ReadEnvironment(ref r, path, out d.Environment);
            case Seen.StateVersion when !isNull:
                return ReadString(ref r, path, MaxId, allowEmpty: false, out d.StateVersion);
            case Seen.TraceId when !isNull:
                return ReadString(ref r, path, MaxId, allowEmpty: false, out d.TraceId);
            case Seen.SpanId when !isNull:
                return ReadString(ref r, path, MaxId, allowEmpty: false, out d.SpanId);
            case Seen.ParentAgentId when !isNull:
                return ReadString(ref r, path, MaxId, allowEmpty: false, out d.ParentAgentId);
            case Seen.Input when !isNull:
                return ReadInput(ref r, ref d);
            case Seen.Output when !isNull:
                return ReadOutput(ref r, ref d);
            case Seen.ToolCalls when !isNull:
                return ReadToolCalls(ref r, out d.ToolCalls);
            case Seen.Metrics when !isNull:
                return ReadMetrics(ref r, path, out d.Metrics);
            case Seen.Labels when !isNull:
                return ReadStringMap(ref r, path, out d.Labels);
            default:
                return null;
        }
    }

    private static string? ReadDecision(ref Utf8JsonReader r, ref Draft d)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Expected(ref r, "decision", "an object");
        }

        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string? error;
            if (r.ValueTextEquals("name"u8))
            {
                r.Read();
                error = d.Name is not null ? Duplicate("decision.name") : ReadPooledString(ref r, "decision.name", MaxId, allowEmpty: false, out d.Name);
            }
            else if (r.ValueTextEquals("outcome"u8))
            {
                r.Read();
                error = d.Outcome is not null ? Duplicate("decision.outcome") : ReadPooledString(ref r, "decision.outcome", MaxId, allowEmpty: false, out d.Outcome);
            }
            else if (r.ValueTextEquals("confidence"u8))
            {
                r.Read();
                error = d.ConfidenceSeen ? Duplicate("decision.confidence") : ReadOptionalNumber(ref r, "decision.confidence", 0, 1, ConfidenceRule, out d.Confidence);
                d.ConfidenceSeen = true;
            }
            else
            {
                r.Skip();
                continue;
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ReadInput(ref Utf8JsonReader r, ref Draft d)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Expected(ref r, "input", "an object");
        }

        bool textSeen = false;
        bool featuresSeen = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string? error;
            if (r.ValueTextEquals("text"u8))
            {
                r.Read();
                error = textSeen ? Duplicate("input.text") : ReadOptionalText(ref r, "input.text", out d.InputText);
                textSeen = true;
            }
            else if (r.ValueTextEquals("features"u8))
            {
                r.Read();
                error = featuresSeen ? Duplicate("input.features")
                    : r.TokenType == JsonTokenType.Null ? null
                    : ReadStringMap(ref r, "input.features", out d.Features);
                featuresSeen = true;
            }
            else
            {
                r.Skip();
                continue;
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ReadOutput(ref Utf8JsonReader r, ref Draft d)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Expected(ref r, "output", "an object");
        }

        bool textSeen = false;
        bool sentimentSeen = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string? error;
            if (r.ValueTextEquals("text"u8))
            {
                r.Read();
                error = textSeen ? Duplicate("output.text") : ReadOptionalText(ref r, "output.text", out d.OutputText);
                textSeen = true;
            }
            else if (r.ValueTextEquals("sentiment"u8))
            {
                r.Read();
                error = sentimentSeen ? Duplicate("output.sentiment") : ReadOptionalNumber(ref r, "output.sentiment", -1, 1, SentimentRule, out d.Sentiment);
                sentimentSeen = true;
            }
            else
            {
                r.Skip();
                continue;
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ReadToolCalls(ref Utf8JsonReader r, out IReadOnlyList<ToolCall>? calls)
    {
        calls = null;
        if (r.TokenType != JsonTokenType.StartArray)
        {
            return Expected(ref r, "tool_calls", "an array of objects");
        }

        // Most decisions make one tool call: it is kept alone, and a list is made only for a second one.
        ToolCall? first = null;
        List<ToolCall>? list = null;
        int index = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (index >= EventLimits.MaxToolCalls)
            {
                return $"tool_calls: must have at most {EventLimits.MaxToolCalls} entries";
            }

            string? error = ReadToolCall(ref r, index, out ToolCall? call);
            if (error is not null)
            {
                return error;
            }

            if (first is null)
            {
                first = call;
            }
            else
            {
                (list ??= [first]).Add(call!);
            }

            index++;
        }

        calls = list ?? (first is null ? null : [first]);
        return null;
    }

    private static string? ReadToolCall(ref Utf8JsonReader r, int index, out ToolCall? call)
    {
        call = null;
        var prefix = new FieldPath("tool_calls", index);
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Expected(ref r, prefix, "an object");
        }

        string? name = null;
        string? status = null;
        double? latency = null;
        bool statusSeen = false;
        bool latencySeen = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string? error;
            if (r.ValueTextEquals("name"u8))
            {
                r.Read();
                error = name is not null ? Duplicate(prefix.Child("name")) : ReadPooledString(ref r, prefix.Child("name"), MaxId, allowEmpty: false, out name);
            }
            else if (r.ValueTextEquals("status"u8))
            {
                r.Read();
                error = statusSeen ? Duplicate(prefix.Child("status"))
                    : r.TokenType == JsonTokenType.Null ? null
                    : ReadPooledString(ref r, prefix.Child("status"), MaxId, allowEmpty: false, out status);
                statusSeen = true;
            }
            else if (r.ValueTextEquals("latency_ms"u8))
            {
                r.Read();
                error = latencySeen ? Duplicate(prefix.Child("latency_ms")) : ReadOptionalNumber(ref r, prefix.Child("latency_ms"), 0, double.MaxValue, "a finite number >= 0", out latency);
                latencySeen = true;
            }
            else
            {
                r.Skip();
                continue;
            }

            if (error is not null)
            {
                return error;
            }
        }

        if (name is null)
        {
            return Missing(prefix.Child("name"));
        }

        call = new ToolCall(name, status, latency);
        return null;
    }

    private static string? ReadOptionalNumber(ref Utf8JsonReader r, FieldPath path, double min, double max, string rule, out double? value)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        string? error = ReadNumber(ref r, path, min, max, rule, out double number);
        value = number;
        return error;
    }

    private static string? ReadOptionalText(ref Utf8JsonReader r, string path, out string? text)
    {
        text = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        string? error = ReadString(ref r, path, MaxText, allowEmpty: true, out string value);
        text = value;
        return error;
    }

    /// <summary>Field values collected during the pass; a struct so the pass allocates only the event itself.</summary>
    private struct Draft
    {
        public string? EventId;
        public string? AgentId;
        public string? AgentVersion;
        public string? Environment;
        public DateTimeOffset Timestamp;
        public string? Name;
        public string? Outcome;
        public double? Confidence;
        public bool ConfidenceSeen;
        public string? InputText;
        public IReadOnlyDictionary<string, string>? Features;
        public string? OutputText;
        public double? Sentiment;
        public IReadOnlyList<ToolCall>? ToolCalls;
        public IReadOnlyDictionary<string, double>? Metrics;
        public IReadOnlyDictionary<string, string>? Labels;
        public string? StateVersion;
        public string? TraceId;
        public string? SpanId;
        public string? ParentAgentId;
    }
}
