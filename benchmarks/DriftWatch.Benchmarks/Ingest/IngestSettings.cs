using System.Globalization;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>Command-line settings of <c>ingest</c>.</summary>
internal sealed record IngestSettings(int Events, int Repetitions, int Partitions, int Brokers, TimeSpan Timeout)
{
    internal const string Usage =
        "usage: ingest [--events N (200000)] [--repetitions R (3)] [--partitions P (6)] [--brokers B (3)] [--timeout-s S (300)]";

    internal static IngestSettings Parse(string[] args)
    {
        var settings = new IngestSettings(200_000, 3, 6, 3, TimeSpan.FromMinutes(5));
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            var value = int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : throw new ArgumentException($"{name} needs a positive whole number, got '{args[i]}'.");
            settings = name switch
            {
                "--events" => settings with { Events = value },
                "--repetitions" => settings with { Repetitions = value },
                "--partitions" => settings with { Partitions = value },
                "--brokers" => settings with { Brokers = Math.Min(value, 16) },
                "--timeout-s" => settings with { Timeout = TimeSpan.FromSeconds(value) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        return settings;
    }
}
