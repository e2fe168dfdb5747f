using System.Threading.Channels;

namespace DriftWatch.Kafka.Consuming;

/// <summary>The two views of the consumer's buffer: whole batches for the stream, single messages for simple readers.</summary>
public sealed partial class KafkaEventConsumer
{
    private void Taken(int messages) => Interlocked.Add(ref _buffered, -messages);

    /// <summary>Hands batches on as they are; the buffer room they held is freed when a batch is taken.</summary>
    private sealed class BatchReader(KafkaEventConsumer owner) : ChannelReader<IReadOnlyList<ConsumedMessage>>
    {
        private readonly ChannelReader<ConsumedMessage[]> _inner = owner._channel.Reader;

        public override Task Completion => _inner.Completion;

        public override bool TryRead(out IReadOnlyList<ConsumedMessage> item)
        {
            if (_inner.TryRead(out var batch))
            {
                owner.Taken(batch.Length);
                item = batch;
                return true;
            }

            item = [];
            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            _inner.WaitToReadAsync(cancellationToken);
    }

    /// <summary>Flattens the batches; each message frees its buffer room when it is read, so the count is in messages.</summary>
    private sealed class MessageReader(KafkaEventConsumer owner) : ChannelReader<ConsumedMessage>
    {
        private readonly ChannelReader<ConsumedMessage[]> _inner = owner._channel.Reader;
        private ConsumedMessage[] _current = [];
        private int _next;

        public override Task Completion => _inner.Completion;

        public override bool CanCount => true;

        public override int Count => owner.Buffered;

        public override bool TryRead(out ConsumedMessage item)
        {
            if (_next >= _current.Length)
            {
                if (!_inner.TryRead(out var batch))
                {
                    item = null!;
                    return false;
                }

                _current = batch;
                _next = 0;
            }

            item = _current[_next];
            _current[_next++] = null!;
            owner.Taken(1);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            _next < _current.Length ? new ValueTask<bool>(true) : _inner.WaitToReadAsync(cancellationToken);
    }
}
