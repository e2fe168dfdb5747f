using System.Text.Json;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Events;

/// <summary>The JSON Schema files in schemas/ must describe what the parser enforces.</summary>
public sealed class ContractSchemaTests
{
    [Fact]
    public void DecisionSchema_RequiredFields_EqualParserRequiredFields()
    {
        using JsonDocument schema = Load("driftwatch.decision.v1.schema.json");

        Assert.Equal(Sorted(DecisionEventReader.RequiredFields), Sorted(FlattenRequired(schema.RootElement)));
    }

    [Fact]
    public void StateSchema_RequiredFields_EqualParserRequiredFields()
    {
        using JsonDocument schema = Load("driftwatch.state.v1.schema.json");

        Assert.Equal(Sorted(StateEventReader.RequiredFields), Sorted(FlattenRequired(schema.RootElement)));
        Assert.Equal("set", schema.RootElement.GetProperty("if").GetProperty("properties").GetProperty("op").GetProperty("const").GetString());
        Assert.Equal(["value"], Strings(schema.RootElement.GetProperty("then").GetProperty("required")));
    }

    [Theory]
    [InlineData("driftwatch.decision.v1.schema.json", DecisionEvent.SchemaId)]
    [InlineData("driftwatch.state.v1.schema.json", StateEvent.SchemaId)]
    public void Schema_SchemaConstAndLimits_MatchParser(string file, string schemaId)
    {
        using JsonDocument schema = Load(file);
        JsonElement root = schema.RootElement;
        JsonElement defs = root.GetProperty("$defs");

        Assert.Equal(schemaId, root.GetProperty("properties").GetProperty("schema").GetProperty("const").GetString());
        Assert.Equal(EventLimits.MaxIdentifierLength, defs.GetProperty("identifier").GetProperty("maxLength").GetInt32());
        Assert.Equal(1, defs.GetProperty("identifier").GetProperty("minLength").GetInt32());
        Assert.Equal(EventLimits.MaxMapEntries, defs.GetProperty("stringMap").GetProperty("maxProperties").GetInt32());
        Assert.Equal(
            EventLimits.MaxIdentifierLength,
            defs.GetProperty("stringMap").GetProperty("additionalProperties").GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public void DecisionSchema_TextAndListLimits_MatchParser()
    {
        using JsonDocument schema = Load("driftwatch.decision.v1.schema.json");
        JsonElement properties = schema.RootElement.GetProperty("properties");

        Assert.Equal(EventLimits.MaxTextLength, schema.RootElement.GetProperty("$defs").GetProperty("optionalText").GetProperty("maxLength").GetInt32());
        Assert.Equal(EventLimits.MaxToolCalls, properties.GetProperty("tool_calls").GetProperty("maxItems").GetInt32());
        Assert.Equal(EventLimits.MaxMapEntries, properties.GetProperty("metrics").GetProperty("maxProperties").GetInt32());
        foreach (JsonProperty metric in properties.GetProperty("metrics").GetProperty("properties").EnumerateObject())
        {
            Assert.True(JsonFieldReader.IsNonNegativeMetric(metric.Name), metric.Name);
            Assert.Equal(0, metric.Value.GetProperty("minimum").GetInt32());
        }
    }

    private static JsonDocument Load(string file) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "schemas", file)));

    /// <summary>Required paths: a required object with its own required list contributes its children.</summary>
    private static IEnumerable<string> FlattenRequired(JsonElement schema)
    {
        JsonElement properties = schema.GetProperty("properties");
        foreach (string name in Strings(schema.GetProperty("required")))
        {
            if (properties.TryGetProperty(name, out JsonElement child) && child.TryGetProperty("required", out JsonElement nested))
            {
                foreach (string inner in Strings(nested))
                {
                    yield return name + "." + inner;
                }
            }
            else
            {
                yield return name;
            }
        }
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string[] Sorted(IEnumerable<string> values) => values.Order(StringComparer.Ordinal).ToArray();
}
