using DriftWatch.Core.Events;
using DriftWatch.Otlp.Mapping;

namespace DriftWatch.Otlp.Ingest;

/// <summary>
/// Holds mapped spans for the tool-span wait (on a <see cref="TimeProvider"/>), then publishes the joined
/// decisions to the sink in arrival order. A caller's <see cref="IngestAsync"/> returns once every decision of
/// its request is durable, so an OTLP sender is told "accepted" only for what cannot be lost.
/// </summary>
/// <remarks>
/// No background thread: each request, after its own wait, releases whatever is due (its own decisions and
/// any other request's whose wait is over). Releasing and publishing happen under one lock, so decisions
/// reach the sink in the order they arrived, whichever request publishes them.
/// </remarks>
internal sealed class JoinedDecisionPublisher
{
    private readonly ToolCallJoiner _joiner;
    private readonly IDecisionEventSink _sink;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly Lock _gate = new();
    private long _published;

    public JoinedDecisionPublisher(ToolCallJoiner joiner, IDecisionEventSink sink, TimeProvider time)
    {
        _joiner = joiner;
        _sink = sink;
        _time = time;
    }

    /// <summary>Decision events published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Tool spans that found no decision within the wait.</summary>
    public long DroppedToolSpans
    {
        get
        {
            lock (_gate)
            {
                return _joiner.DroppedToolSpans;
            }
        }
    }

    /// <summary>Adds one request's spans and returns when its decisions are published; throws when the sink failed.</summary>
    public async Task IngestAsync(MappedSpans spans, CancellationToken cancellationToken)
    {
        var ticket = new Ticket(spans.Decisions.Count);
        if (spans.Decisions.Count == 0 && spans.ToolSpans.Count == 0)
        {
            return;
        }

        DateTimeOffset due;
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            due = now + _joiner.Wait;
            _joiner.Add(spans, now, ticket);
        }

        if (_joiner.Wait > TimeSpan.Zero)
        {
            // Not the request's token: the wait is what gives later child spans their chance, and a sender that
            // gave up still had its decisions accepted into the join, which must be released by someone.
            await Task.Delay(_joiner.Wait, _time, CancellationToken.None).ConfigureAwait(false);
        }

        // A timer may fire a little before the clock reads the due time; this request's own decisions are due
        // once it has waited, so the release runs at least at their due time (and never leaves them behind).
        await ReleaseDueAsync(due).ConfigureAwait(false);
        await ticket.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReleaseDueAsync(DateTimeOffset atLeast)
    {
        await _publishing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            List<ToolCallJoiner.Released> released;
            lock (_gate)
            {
                DateTimeOffset now = _time.GetUtcNow();
                released = _joiner.TakeDue(now > atLeast ? now : atLeast);
            }

            if (released.Count == 0)
            {
                return;
            }

            var events = new List<DecisionEvent>(released.Count);
            foreach (ToolCallJoiner.Released r in released)
            {
                if (r.Event is not null)
                {
                    events.Add(r.Event);
                }
            }

            Exception? failure = null;
            try
            {
                await _sink.PublishAsync(events, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _published, events.Count);
            }
#pragma warning disable CA1031 // The sink's failure is every waiting request's answer, whatever it is.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }

            foreach (ToolCallJoiner.Released r in released)
            {
                ((Ticket)r.Tag!).Done(failure);
            }
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// <summary>Completes when every decision of one request has been published (or one failed).</summary>
    private sealed class Ticket
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining;

        public Ticket(int decisions)
        {
            _remaining = decisions;
            if (decisions == 0)
            {
                _done.SetResult();
            }
        }

        public Task Completion => _done.Task;

        public void Done(Exception? failure)
        {
            if (failure is not null)
            {
                _done.TrySetException(failure);
            }
            else if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.TrySetResult();
            }
        }
    }
}
