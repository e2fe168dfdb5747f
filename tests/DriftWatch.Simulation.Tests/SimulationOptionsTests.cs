namespace DriftWatch.Simulation.Tests;

public class SimulationOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValuesAndValid()
    {
        var options = new SimulationOptions();

        options.Validate();
        Assert.Equal(42, options.Seed);
        Assert.Equal(4, options.Agents);
        Assert.Equal(20_000, options.Events);
        Assert.Equal(50, options.EventsPerSecond);
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), options.Start);
        Assert.Equal("production", options.Environment);
        Assert.Equal(400, options.StateChangeEvery);
        Assert.Empty(options.Scenarios);
    }

    public static TheoryData<string, Action<SimulationOptions>> BadSettings => new()
    {
        { nameof(SimulationOptions.Agents), o => o.Agents = 0 },
        { nameof(SimulationOptions.Events), o => o.Events = 3 },
        { nameof(SimulationOptions.EventsPerSecond), o => o.EventsPerSecond = 0 },
        { nameof(SimulationOptions.EventsPerSecond), o => o.EventsPerSecond = double.NaN },
        { nameof(SimulationOptions.Environment), o => o.Environment = " " },
        { nameof(SimulationOptions.StateChangeEvery), o => o.StateChangeEvery = -1 },
        { nameof(SimulationOptions.Scenarios), o => o.Scenarios.Add(new DriftScenario(DriftKind.LatencyCreep) { Agent = "nobody" }) },
        { nameof(SimulationOptions.Scenarios), o => o.Scenarios.Add(new DriftScenario(DriftKind.LatencyCreep) { Onset = 2 }) },
        { nameof(SimulationOptions.Scenarios), o => o.Scenarios.Add(new DriftScenario(DriftKind.LatencyCreep) { Ramp = 0 }) },
        { nameof(SimulationOptions.Scenarios), o => o.Scenarios.Add(new DriftScenario(DriftKind.Misrouting) { Segment = new("urgency", "never") }) },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_ThrowsNamingIt(string setting, Action<SimulationOptions> spoil)
    {
        var options = new SimulationOptions();
        spoil(options);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetSimulator_BadOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FleetSimulator(new SimulationOptions { Events = 0 }));
    }

    [Fact]
    public void FleetSimulator_OptionsChangedAfterwards_FleetUnchanged()
    {
        var options = new SimulationOptions { Events = 100 };
        var simulator = new FleetSimulator(options);
        options.Events = 200;
        options.Scenarios.Add(DriftScenario.Parse("misrouting"));

        Assert.Equal(100, simulator.Generate().Count(r => r.IsDecision));
        Assert.Empty(simulator.Manifest.Scenarios);
    }
}
