using System.Globalization;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>Command-line settings of <c>ingest</c>.</summary>
internal sealed record IngestSettings(int Events, int Repetitions, int Partitions, int Brokers, TimeSpan Timeout)
{
    internal const string Usage =
        "usage: ingest [--events N (200000)] [--repetitions R (3)] [--partitions P (6)] [--brokers B (3)] [--timeout-s S (300)] [--workers 1,2 (1,2)]";

    /// <summary>Parse workers of the DriftWatch modes; each count is a mode of its own.</summary>
    internal IReadOnlyList<int> Workers { get; init; } = [1, 2];

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

            if (name == "--workers")
            {
                var counts = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                settings = settings with
                {
                    Workers = [.. counts.Select(c => int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w is >= 1 and <= 256
                        ? w
                        : throw new ArgumentException($"--workers needs counts between 1 and 256 separated by commas, got '{args[i]}'."))],
                };
                continue;
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
