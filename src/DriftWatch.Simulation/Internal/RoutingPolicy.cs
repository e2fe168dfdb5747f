namespace DriftWatch.Simulation.Internal;

/// <summary>
/// The healthy routing behaviour: the outcome depends on category and urgency (urgent tickets mostly go to
/// escalations, the rest mostly to the team that owns the category), and the injected misrouting.
/// </summary>
internal static class RoutingPolicy
{
    // Share of (preferred-for-urgency, owning team, general); the remainder goes to a random other team.
    private const double HighEscalations = 0.60;
    private const double HighOwner = 0.30;
    private const double HighGeneral = 0.06;
    private const double MediumEscalations = 0.06;
    private const double MediumOwner = 0.80;
    private const double MediumGeneral = 0.08;
    private const double LowEscalations = 0.02;
    private const double LowOwner = 0.85;
    private const double LowGeneral = 0.08;

    /// <summary>At full misrouting strength this share of the preferred team's decisions goes elsewhere (0.60 -> 0.15).</summary>
    public const double MisroutedShare = 0.75;

    public static string Route(SimRandom rng, int category, int urgency)
    {
        var (escalations, owner, general) = urgency switch
        {
            2 => (HighEscalations, HighOwner, HighGeneral),
            1 => (MediumEscalations, MediumOwner, MediumGeneral),
            _ => (LowEscalations, LowOwner, LowGeneral),
        };
        var u = rng.NextDouble();
        if (u < escalations)
        {
            return Catalog.Escalations;
        }

        if (u < escalations + owner)
        {
            return Catalog.CategoryTeam[category];
        }

        return u < escalations + owner + general ? Catalog.General : OtherTeam(rng, Catalog.CategoryTeam[category]);
    }

    /// <summary>The team the healthy policy picks most often for this input.</summary>
    public static string Preferred(int category, int urgency) =>
        urgency == 2 ? Catalog.Escalations : Catalog.CategoryTeam[category];

    /// <summary>Where a misrouted decision goes: mostly general, otherwise another team.</summary>
    public static string Misroute(SimRandom rng, string preferred) =>
        preferred != Catalog.General && rng.Chance(0.7) ? Catalog.General : OtherTeam(rng, preferred);

    /// <summary>One of billing, tech_support, accounts, logistics other than <paramref name="exclude"/>.</summary>
    private static string OtherTeam(SimRandom rng, string exclude)
    {
        while (true)
        {
            var team = Catalog.Teams[rng.Next(4)];
            if (team != exclude)
            {
                return team;
            }
        }
    }
}
