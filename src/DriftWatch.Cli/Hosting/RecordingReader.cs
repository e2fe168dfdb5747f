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
        await foreach (var result in ReadAsync(path, onBadLine, cancellationToken).ConfigureAwait(false))
        {
            if (result.Kind == AgentEventKind.Decision)
            {
                yield return result.Decision!;
            }
        }
    }

    /// <summary>Valid state events (<c>driftwatch.state/v1</c>) in file order; bad lines are counted and skipped.</summary>
    internal static async IAsyncEnumerable<StateEvent> ReadStatesAsync(
        string path,
        Action<long, string> onBadLine,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var result in ReadAsync(path, onBadLine, cancellationToken).ConfigureAwait(false))
        {
            if (result.Kind == AgentEventKind.State)
            {
                yield return result.State!;
            }
        }
    }

    private static async IAsyncEnumerable<ParseResult> ReadAsync(
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
            if (result.Kind == AgentEventKind.Invalid)
            {
                onBadLine(number, result.Error!);
            }
            else
            {
                yield return result;
            }
        }
    }
}
