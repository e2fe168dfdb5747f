using DriftWatch.Core.Events;

namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// Joins decision spans with their <c>execute_tool</c> child spans, which may arrive in the same request, an
/// earlier one or a later one. A decision is held for <see cref="Wait"/> after it arrived; tool spans that
/// arrive meanwhile become its <c>tool_calls</c>. Tool spans that arrive before their decision (the usual
/// case: children end first, and SDKs export in end order) wait <see cref="OrphanWait"/> for it. Time is whatever clock the caller passes (event time in replay and on Kafka, a
/// <see cref="TimeProvider"/> on HTTP), so the join is deterministic under test.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Capacity"/> decisions are held (beyond that the oldest are released early, so
/// nothing is lost, only possibly a late tool call) and at most <see cref="Capacity"/> tool spans wait for a
/// parent (beyond that the oldest are dropped and counted). Decisions are released in arrival order, so the
/// order the sender exported them in is the order detection sees.
/// </remarks>
internal sealed class ToolCallJoiner
{
    private readonly LinkedList<Held> _held = new();
    private readonly Dictionary<(string TraceId, string SpanId), Held> _heldBySpan = [];
    private readonly Dictionary<(string TraceId, string SpanId), List<ToolSpan>> _orphans = [];
    private readonly Queue<(DateTimeOffset Due, (string, string) Key)> _orphanExpiry = new();
    private int _orphanCount;

    public ToolCallJoiner(TimeSpan wait, TimeSpan orphanWait, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(orphanWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Wait = wait;
        OrphanWait = orphanWait;
        Capacity = capacity;
    }

    /// <summary>How long a decision waits for tool spans that arrive after it.</summary>
    public TimeSpan Wait { get; }

    /// <summary>How long a tool span that arrived before its decision waits for it.</summary>
    public TimeSpan OrphanWait { get; }

    public int Capacity { get; }

    /// <summary>Decisions currently held.</summary>
    public int HeldCount => _held.Count;

    /// <summary>Tool spans dropped because no decision claimed them in time or the buffer was full.</summary>
    public long DroppedToolSpans { get; private set; }

    /// <summary>Tool calls beyond the contract's limit of 64 per decision, dropped.</summary>
    public long DroppedExtraToolCalls { get; private set; }

    /// <summary>Adds one request's spans, arrived at <paramref name="now"/>; <paramref name="tag"/> comes back with each of its decisions.</summary>
    public void Add(MappedSpans spans, DateTimeOffset now, object? tag = null)
    {
        ArgumentNullException.ThrowIfNull(spans);
        DateTimeOffset due = now + Wait;
        foreach (DecisionSpan decision in spans.Decisions)
        {
            var held = new Held(decision, due, tag);
            if (!_heldBySpan.TryAdd((decision.TraceId, decision.SpanId), held))
            {
                // The same span exported twice (an exporter retry): the first copy stands, the second is dropped
                // rather than counted twice. Its tag still gets an answer with the first copy.
                held = _heldBySpan[(decision.TraceId, decision.SpanId)];
                (held.ExtraTags ??= []).Add(tag);
                continue;
            }

            held.Node = _held.AddLast(held);
            if (_orphans.Remove((decision.TraceId, decision.SpanId), out List<ToolSpan>? waiting))
            {
                _orphanCount -= waiting.Count;
                foreach (ToolSpan tool in waiting)
                {
                    Attach(held, tool);
                }
            }
        }

        foreach (ToolSpan tool in spans.ToolSpans)
        {
            if (_heldBySpan.TryGetValue((tool.TraceId, tool.ParentSpanId), out Held? parent))
            {
                Attach(parent, tool);
            }
            else
            {
                AddOrphan(tool, now + OrphanWait);
            }
        }
    }

    /// <summary>Releases, in arrival order, every decision whose wait is over at <paramref name="now"/> (and the oldest beyond capacity).</summary>
    public List<Released> TakeDue(DateTimeOffset now)
    {
        var released = new List<Released>();
        while (_held.First is { } first && (first.Value.Due <= now || _held.Count > Capacity))
        {
            Release(first.Value, released);
        }

        ExpireOrphans(now);
        return released;
    }

    /// <summary>Releases every held decision (end of a file, shutdown).</summary>
    public List<Released> TakeAll()
    {
        var released = new List<Released>(_held.Count);
        while (_held.First is { } first)
        {
            Release(first.Value, released);
        }

        DroppedToolSpans += _orphanCount;
        _orphans.Clear();
        _orphanExpiry.Clear();
        _orphanCount = 0;
        return released;
    }

    private void Release(Held held, List<Released> into)
    {
        _held.Remove(held.Node!);
        _heldBySpan.Remove((held.Decision.TraceId, held.Decision.SpanId));
        DecisionEvent e = held.Calls is null ? held.Decision.Event : held.Decision.Event with { ToolCalls = held.Calls };
        into.Add(new Released(e, held.Tag));
        foreach (object? extra in held.ExtraTags ?? [])
        {
            into.Add(new Released(null, extra));
        }
    }

    private void Attach(Held held, ToolSpan tool)
    {
        held.Calls ??= [];
        if (held.Calls.Count >= EventLimits.MaxToolCalls)
        {
            DroppedExtraToolCalls++;
            return;
        }

        held.Calls.Add(tool.Call);
    }

    private void AddOrphan(ToolSpan tool, DateTimeOffset due)
    {
        var key = (tool.TraceId, tool.ParentSpanId);
        if (!_orphans.TryGetValue(key, out List<ToolSpan>? list))
        {
            list = [];
            _orphans[key] = list;
            _orphanExpiry.Enqueue((due, key));
        }

        list.Add(tool);
        _orphanCount++;
        while (_orphanCount > Capacity && _orphanExpiry.TryDequeue(out var oldest))
        {
            DropOrphans(oldest.Key);
        }
    }

    private void ExpireOrphans(DateTimeOffset now)
    {
        while (_orphanExpiry.TryPeek(out var oldest) && oldest.Due <= now)
        {
            _orphanExpiry.Dequeue();
            DropOrphans(oldest.Key);
        }
    }

    private void DropOrphans((string, string) key)
    {
        if (_orphans.Remove(key, out List<ToolSpan>? dropped))
        {
            _orphanCount -= dropped.Count;
            DroppedToolSpans += dropped.Count;
        }
    }

    /// <summary>A decision with its tool calls, or (Event null) a duplicate's tag answered with the original.</summary>
    internal readonly record struct Released(DecisionEvent? Event, object? Tag);

    private sealed class Held(DecisionSpan decision, DateTimeOffset due, object? tag)
    {
        public DecisionSpan Decision { get; } = decision;
        public DateTimeOffset Due { get; } = due;
        public object? Tag { get; } = tag;
        public List<object?>? ExtraTags { get; set; }
        public List<ToolCall>? Calls { get; set; }
        public LinkedListNode<Held>? Node { get; set; }
    }
}
