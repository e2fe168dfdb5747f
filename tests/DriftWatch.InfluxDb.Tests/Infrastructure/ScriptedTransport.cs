using System.Threading.Channels;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>
/// An in-memory transport for the sink's retry and batching logic: each request takes the next scripted
/// outcome (null = acknowledged), and every attempt is reported on <see cref="Attempts"/>.
/// </summary>
internal sealed class ScriptedTransport(params Exception?[] outcomes) : IInfluxTransport
{
    private readonly Queue<Exception?> _outcomes = new(outcomes);
    private readonly List<IReadOnlyList<string>> _acknowledged = [];

    public Channel<int> Attempts { get; } = Channel.CreateUnbounded<int>();

    public Exception? Fallback { get; set; }

    public IReadOnlyList<IReadOnlyList<string>> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.ToList();
            }
        }
    }

    public Task WriteAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Exception? outcome;
        lock (_acknowledged)
        {
            outcome = _outcomes.Count > 0 ? _outcomes.Dequeue() : Fallback;
            if (outcome is null)
            {
                _acknowledged.Add(lines.ToList());
            }
        }

        Attempts.Writer.TryWrite(lines.Count);
        return outcome is null ? Task.CompletedTask : Task.FromException(outcome);
    }

    public void Dispose()
    {
    }

    public static InfluxWriteException Unavailable() => new("connection refused", isTransient: true);

    public static InfluxWriteException Rejected() => new("field type conflict", isTransient: false, statusCode: 400);
}
