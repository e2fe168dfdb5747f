using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Cli.Hosting;

/// <summary>Decision events of a JSONL recording (a <c>run --record</c> file or <c>simulate</c> output).</summary>
internal static class RecordingReader
{
    /// <summary>Valid decision events in file order; bad lines are counted and skipped, as replay does.</summary>
    internal static async IAsyncEnumerable<DecisionEvent> ReadDecisionsAsync(
        string path,
        Action<long, string> onBadLine,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var result = AgentEventParser.Parse(Encoding.UTF8.GetBytes(line));
            if (result.Kind == AgentEventKind.Decision)
            {
                yield return result.Decision!;
            }
            else if (result.Kind == AgentEventKind.Invalid)
            {
                onBadLine(number, result.Error!);
            }
        }
    }
}
