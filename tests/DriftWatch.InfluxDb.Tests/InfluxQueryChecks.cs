using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>What "a provisioned query returns data" means, shared by the query tests.</summary>
internal static class InfluxQueryChecks
{
    // A query "returns data" when it has rows and every value column (not time, not a tag) holds at least one
    // value: a misspelt field shows up as an all-null column.
    internal static string? Problem(InfluxQueryResult result)
    {
        if (!result.HasRows)
        {
            return "no rows";
        }

        foreach (var series in result.Series)
        {
            for (var c = 0; c < series.Columns.Count; c++)
            {
                if (series.Columns[c] == "time")
                {
                    continue;
                }

                if (series.Values.All(row => row[c].ValueKind == System.Text.Json.JsonValueKind.Null))
                {
                    return $"column {series.Columns[c]} is empty";
                }
            }
        }

        return null;
    }

}
