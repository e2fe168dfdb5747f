using System.Text.Json.Serialization;

namespace DriftWatch.Api.Rollback;

/// <summary>What was decided about one alert of a notification; returned to the sender.</summary>
internal sealed record AlertOutcome(
    [property: JsonPropertyName("alert_key")] string AlertKey,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("command_id")] string? CommandId,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>The answer to a whole notification.</summary>
internal sealed record NotificationOutcome(int StatusCode, IReadOnlyList<AlertOutcome> Results, string? Error)
{
    /// <summary>When the sender should deliver again (the Retry-After header), for a 503.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static NotificationOutcome Rejected(int statusCode, string error) => new(statusCode, [], error);
}
