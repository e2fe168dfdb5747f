using System.Globalization;

namespace DriftWatch.Evaluation;

/// <summary>Command-line settings of the evaluation, with the defaults the published figures use.</summary>
internal sealed class EvaluationSettings
{
    internal const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/DriftWatch.Evaluation [-- options]
          --seeds N          seeds per drift scenario (default 5: seeds 1..N)
          --events N         decision events per drift scenario fleet (default 32000)
          --agents N         agents per fleet (default 4)
          --quiet-events N   decision events of the quiet fleet (default 1000000)
          --sparse-seeds N   sparse quiet fleets, seeds 1001..1000+N (default 3)
          --sparse-events N  decision events per sparse quiet fleet (default 300000)
          --quiet-seed N     seed of the quiet fleet (default 1)
          --root-seeds N     extra misrouting runs per other segment, for the root-segment figures (default 3)
          --out DIR          where evaluation.json goes (default benchmarks/results)
          --readme FILE      README whose 'Detection evaluation' section is rewritten (default benchmarks/README.md; '-' for none)
          --work DIR         where the scenario JSONL files are written (default: a temporary folder)
          --keep-files       keep the scenario files instead of deleting each after its replay
          --parallel N       scenarios replayed at once (default: processor count)
          --ml               run the ML detectors (domain classifier, PCA window anomaly) beside the statistical ones
        """;

    internal int Seeds { get; private set; } = 5;

    internal int Events { get; private set; } = 32_000;

    internal int Agents { get; private set; } = 4;

    internal int QuietEvents { get; private set; } = 1_000_000;

    internal int SparseSeeds { get; private set; } = 3;

    internal int SparseEvents { get; private set; } = 300_000;

    internal long QuietSeed { get; private set; } = 1;

    internal int RootSeeds { get; private set; } = 3;

    internal string OutDirectory { get; private set; } = Path.Combine("benchmarks", "results");

    internal string? Readme { get; private set; } = Path.Combine("benchmarks", "README.md");

    internal string? WorkDirectory { get; private set; }

    internal bool KeepFiles { get; private set; }

    internal int Parallel { get; private set; } = Environment.ProcessorCount;

    /// <summary>Whether the ML detectors run beside the statistical ones (statistical + ML figures).</summary>
    internal bool Ml { get; private set; }

    /// <summary>Reads the arguments; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    internal static EvaluationSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new EvaluationSettings();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Positive()
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"{name} must be a positive integer, got '{text}'.");
            }

            switch (name)
            {
                case "--seeds": settings.Seeds = Positive(); break;
                case "--events": settings.Events = Positive(); break;
                case "--agents": settings.Agents = Positive(); break;
                case "--quiet-events": settings.QuietEvents = Positive(); break;
                case "--quiet-seed": settings.QuietSeed = Positive(); break;
                case "--root-seeds": settings.RootSeeds = Positive(); break;
                case "--sparse-seeds": settings.SparseSeeds = Positive(); break;
                case "--sparse-events": settings.SparseEvents = Positive(); break;
                case "--out": settings.OutDirectory = Value(); break;
                case "--readme": settings.Readme = Value() is var readme && readme == "-" ? null : readme; break;
                case "--work": settings.WorkDirectory = Value(); break;
                case "--keep-files": settings.KeepFiles = true; break;
                case "--parallel": settings.Parallel = Positive(); break;
                case "--ml": settings.Ml = true; break;
                default: throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }

        return settings;
    }

    /// <summary>The command line that reproduces these settings (output paths left out).</summary>
    internal string CommandLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"dotnet run -c Release --project benchmarks/DriftWatch.Evaluation -- --seeds {Seeds} --events {Events} --agents {Agents} --quiet-events {QuietEvents} --quiet-seed {QuietSeed} --sparse-seeds {SparseSeeds} --sparse-events {SparseEvents} --root-seeds {RootSeeds}{(Ml ? " --ml" : string.Empty)}");
}
