using System.Text.Json;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>One series of an InfluxQL answer: name, group-by tags, columns and rows.</summary>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Values)
{
    public int Column(string name)
    {
        var index = Columns.ToList().IndexOf(name);
        return index >= 0 ? index : throw new KeyNotFoundException($"No column {name} in {string.Join(",", Columns)}");
    }

    public IEnumerable<double?> Numbers(string column)
    {
        var index = Column(column);
        return Values.Select(row => row[index].ValueKind == JsonValueKind.Number ? row[index].GetDouble() : (double?)null);
    }
}

/// <summary>The first statement's result of a /query answer.</summary>
public sealed record InfluxQueryResult(string Query, IReadOnlyList<InfluxSeries> Series)
{
    public bool HasRows => Series.Any(s => s.Values.Count > 0);

    public static InfluxQueryResult Parse(string json, string query)
    {
        using var doc = JsonDocument.Parse(json);
        var statement = doc.RootElement.GetProperty("results")[0];
        if (statement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"InfluxQL error for [{query}]: {error.GetString()}");
        }

        var series = new List<InfluxSeries>();
        if (statement.TryGetProperty("series", out var list))
        {
            foreach (var s in list.EnumerateArray())
            {
                var tags = new Dictionary<string, string>();
                if (s.TryGetProperty("tags", out var t))
                {
                    foreach (var p in t.EnumerateObject())
                    {
                        tags[p.Name] = p.Value.GetString() ?? "";
                    }
                }

                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
                var values = s.TryGetProperty("values", out var v)
                    ? v.EnumerateArray().Select(row => (IReadOnlyList<JsonElement>)row.EnumerateArray().Select(c => c.Clone()).ToList()).ToList()
                    : [];
                series.Add(new InfluxSeries(s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "", tags, columns, values));
            }
        }

        return new InfluxQueryResult(query, series);
    }
}
