namespace DriftWatch.SampleAgent;

/// <summary>Command-line settings of the sample agent (<c>--name value</c>).</summary>
internal sealed class SampleAgentOptions
{
    public string AgentId { get; set; } = "support-router";
    public string AgentVersion { get; set; } = "2026.02.1";
    public string Environment { get; set; } = "production";
    public string BootstrapServers { get; set; } = "127.0.0.1:9092";
    public string DecisionTopic { get; set; } = "agent-decisions";
    public string StateTopic { get; set; } = "agent-decisions";
    public string ControlTopic { get; set; } = "agent-control";
    public string ControlUrl { get; set; } = "http://127.0.0.1:9470";

    /// <summary>Decisions per second.</summary>
    public double Rate { get; set; } = 20;

    /// <summary>After this many decisions the agent "learns" a bad policy for urgent tickets; 0 never.</summary>
    public int DriftAfter { get; set; } = 3000;

    public static SampleAgentOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SampleAgentOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--agent-id": options.AgentId = value; break;
                case "--environment": options.Environment = value; break;
                case "--bootstrap-servers": options.BootstrapServers = value; break;
                case "--decision-topic": options.DecisionTopic = value; break;
                case "--state-topic": options.StateTopic = value; break;
                case "--control-topic": options.ControlTopic = value; break;
                case "--control-url": options.ControlUrl = value; break;
                case "--rate": options.Rate = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--drift-after": options.DriftAfter = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        if (options.Rate <= 0)
        {
            throw new ArgumentException("--rate must be positive");
        }

        return options;
    }
}
