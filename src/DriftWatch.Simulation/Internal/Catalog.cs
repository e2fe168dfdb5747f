namespace DriftWatch.Simulation.Internal;

/// <summary>
/// The categorical vocabulary of the simulated support domain: input features, teams and agent profiles.
/// Kept in one place because scenario validation, the policy and the tests must agree on it.
/// </summary>
internal static class Catalog
{
    public const string Category = "category";
    public const string Urgency = "urgency";
    public const string Channel = "channel";

    public static readonly string[] Categories = ["billing", "technical", "account", "shipping", "returns", "feedback"];
    public static readonly string[] Urgencies = ["low", "medium", "high"];
    public static readonly string[] Channels = ["email", "chat", "phone"];

    public const string Escalations = "escalations";
    public const string General = "general";
    public static readonly string[] Teams = ["billing", "tech_support", "accounts", "logistics", Escalations, General];

    /// <summary>The team that owns each category (index-aligned with <see cref="Categories"/>).</summary>
    public static readonly string[] CategoryTeam = ["billing", "tech_support", "accounts", "logistics", "logistics", General];

    public static readonly string[] ToolNames = ["lookup_order", "search_kb", "create_ticket", "issue_refund"];

    public static string[]? ValuesOf(string feature) => feature switch
    {
        Category => Categories,
        Urgency => Urgencies,
        Channel => Channels,
        _ => null,
    };

    public static readonly string[] SegmentFeatures = [Category, Urgency, Channel];
}
