using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Exemplars;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Core.Tests.Incidents;

/// <summary>schemas/driftwatch.incident.v1.schema.json must describe what <see cref="IncidentJson"/> writes.</summary>
public sealed class IncidentSchemaTests
{
    [Fact]
    public void Format_Incident_WritesEveryFieldTheSchemaRequires()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "schemas", "driftwatch.incident.v1.schema.json")));
        var properties = schema.RootElement.GetProperty("properties");
        var key = new BehaviourKey("router-a", "production", "route");
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var alert = new DriftAlert(key, "decision.outcome|input.features.urgency=high", "chi2", 50, 10, AlertSeverity.Critical, at, at, at, "moved", [new ValueShift("escalations", 0.6, 0.1)]);
        var incident = Assert.Single(new IncidentTracker().Observe(new DetectionStep([], [alert], [])));

        using var json = JsonDocument.Parse(IncidentJson.Format(incident));

        Assert.Equal(Incident.SchemaId, properties.GetProperty("schema").GetProperty("const").GetString());
        Assert.Matches(properties.GetProperty("id").GetProperty("pattern").GetString()!, incident.Id);
        foreach (var required in schema.RootElement.GetProperty("required").EnumerateArray())
        {
            Assert.True(json.RootElement.TryGetProperty(required.GetString()!, out _), required.GetString());
        }

        var feature = json.RootElement.GetProperty("features")[0];
        foreach (var required in properties.GetProperty("features").GetProperty("items").GetProperty("required").EnumerateArray())
        {
            Assert.True(feature.TryGetProperty(required.GetString()!, out _), required.GetString());
        }

        var root = json.RootElement.GetProperty("roots")[0];
        foreach (var required in properties.GetProperty("roots").GetProperty("items").GetProperty("required").EnumerateArray())
        {
            Assert.True(root.TryGetProperty(required.GetString()!, out _), required.GetString());
        }
    }

    [Fact]
    public void Format_IncidentWithExemplars_WritesEveryExemplarFieldTheSchemaRequires()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "schemas", "driftwatch.incident.v1.schema.json")));
        var exemplarsSchema = schema.RootElement.GetProperty("properties").GetProperty("exemplars");
        var exemplarSchema = schema.RootElement.GetProperty("$defs").GetProperty("exemplar");
        var key = new BehaviourKey("router-a", "production", "route");
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var alert = new DriftAlert(key, "decision.outcome|input.features.urgency=high", "chi2", 50, 10, AlertSeverity.Critical, at, at, at, "moved", []);
        var exemplar = new Exemplar("e-1", at, "billing", "i was charged twice", null);
        var incident = Assert.Single(new IncidentTracker().Observe(new DetectionStep([], [alert], []))) with
        {
            Exemplars = new ExemplarSet("urgency=high", [exemplar], [exemplar with { EventId = "e-2" }]),
        };

        using var json = JsonDocument.Parse(IncidentJson.Format(incident));

        var exemplars = json.RootElement.GetProperty("exemplars");
        foreach (var required in exemplarsSchema.GetProperty("required").EnumerateArray())
        {
            Assert.True(exemplars.TryGetProperty(required.GetString()!, out _), required.GetString());
        }

        var written = exemplars.GetProperty("drifted")[0];
        foreach (var required in exemplarSchema.GetProperty("required").EnumerateArray())
        {
            Assert.True(written.TryGetProperty(required.GetString()!, out _), required.GetString());
        }

        Assert.Equal("e-2", written.GetProperty("event_id").GetString());
        Assert.Equal("i was charged twice", exemplars.GetProperty("reference")[0].GetProperty("input_text").GetString());
        Assert.False(written.TryGetProperty("output_text", out _));
    }

    [Fact]
    public void Format_IncidentWithUpstream_WritesEveryUpstreamFieldTheSchemaRequires()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "schemas", "driftwatch.incident.v1.schema.json")));
        var upstreamSchema = schema.RootElement.GetProperty("properties").GetProperty("upstream");
        var key = new BehaviourKey("support-responder", "production", "reply");
        var at = new DateTimeOffset(2026, 3, 2, 8, 52, 40, TimeSpan.Zero);
        var alert = new DriftAlert(key, "input.features.urgency", "chi2", 50, 10, AlertSeverity.Critical, at, at, at, "moved", [new ValueShift("high", 0.05, 0.24)]);
        var incident = Assert.Single(new IncidentTracker().Observe(new DetectionStep([], [alert], [])))
            with { Upstream = new IncidentUpstream("support-router", "inc-0123456789abcdef", at.AddSeconds(-30), 0.64, "urgency=high") };

        using var json = JsonDocument.Parse(IncidentJson.Format(incident));

        var upstream = json.RootElement.GetProperty("upstream");
        foreach (var required in upstreamSchema.GetProperty("required").EnumerateArray())
        {
            Assert.True(upstream.TryGetProperty(required.GetString()!, out _), required.GetString());
        }

        Assert.Matches(upstreamSchema.GetProperty("properties").GetProperty("incident_id").GetProperty("pattern").GetString()!, upstream.GetProperty("incident_id").GetString()!);
        Assert.Equal("support-router drift at 08:52 feeds 64% of this agent's changed inputs", upstream.GetProperty("summary").GetString());
    }
}
