using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DriftWatch.Core.Snapshots;
using DriftWatch.Kafka.Producing;

namespace DriftWatch.Kafka.Snapshots;

/// <summary>
/// An <see cref="ISnapshotStore"/> in a compacted Kafka topic (<c>cleanup.policy=compact</c>), shared by every
/// instance that points at it. A snapshot is a message keyed by its id whose value is the canonical snapshot
/// JSON; a pin is a message keyed <c>pin:&lt;agent&gt;/&lt;environment&gt;</c> whose value is the pin JSON, so a
/// later pin replaces an earlier one. Compaction keeps the last value per key, which is all a reader uses.
/// Every read first brings an in-memory view of the topic up to the current high watermarks, so what any
/// instance has written (and had acknowledged) before the call is visible.
/// </summary>
public sealed class KafkaSnapshotStore : ISnapshotStore, IDisposable
{
    private readonly KafkaSnapshotStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly IAdminClient _admin;
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly SnapshotTopicView _view;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, (byte[] Value, SnapshotInfo Info)> _infos = new(StringComparer.Ordinal);
    private bool _topicEnsured;

    /// <summary>Connects to the brokers in <paramref name="options"/>; the topic is created (if allowed) on first use.</summary>
    public KafkaSnapshotStore(KafkaSnapshotStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        var adminConfig = new AdminClientConfig { BootstrapServers = options.BootstrapServers, ClientId = "driftwatch-snapshot-store" };
        foreach (var (key, value) in options.Extra)
        {
            adminConfig.Set(key, value);
        }

        adminConfig.Set("allow.auto.create.topics", "false");
        _admin = new AdminClientBuilder(adminConfig).Build();
        var producerExtra = new Dictionary<string, string>(options.Extra, StringComparer.Ordinal)
        {
            ["message.max.bytes"] = (options.MaxMessageBytes + 1024).ToString(CultureInfo.InvariantCulture),
            ["message.timeout.ms"] = ((long)options.DeliveryTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["linger.ms"] = "0",
        };
        _producer = KafkaProducerFactory.Create(options.BootstrapServers, "driftwatch-snapshot-store", producerExtra);
        _view = new SnapshotTopicView(options, _admin);
    }

    /// <summary>The topic the store uses.</summary>
    public string Topic => _options.Topic;

    /// <inheritdoc />
    public async Task<string> PutAsync(BehaviourSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (await ReadAsync(values => values.ContainsKey(snapshot.Id), cancellationToken).ConfigureAwait(false))
        {
            return snapshot.Id;
        }

        var json = snapshot.ToUtf8Json();
        if (json.Length > _options.MaxMessageBytes)
        {
            throw new InvalidOperationException($"Snapshot {snapshot.Id} is {json.Length} bytes, more than SnapshotStore:MaxMessageBytes ({_options.MaxMessageBytes}).");
        }

        await ProduceAsync(snapshot.Id, json, cancellationToken).ConfigureAwait(false);
        return snapshot.Id;
    }

    /// <inheritdoc />
    public async Task<BehaviourSnapshot?> GetAsync(string id, CancellationToken cancellationToken)
    {
        CheckId(id);
        var key = id.ToLowerInvariant();
        var bytes = await ReadAsync(values => values.GetValueOrDefault(key), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Parse(key, bytes);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SnapshotInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var infos = await ReadAsync(ListInfos, cancellationToken).ConfigureAwait(false);
        return infos
            .OrderBy(static i => i.From ?? DateTimeOffset.MinValue)
            .ThenBy(static i => i.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    public async Task<SnapshotPin> PinAsync(string snapshotId, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(snapshotId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Snapshot {snapshotId} is not in the store (topic {_options.Topic}); put it before pinning it.");
        var pin = new SnapshotPin(snapshot.Scope.AgentId, snapshot.Scope.Environment, snapshot.Id, _time.GetUtcNow());
        await ProduceAsync(SnapshotPinJson.KeyOf(pin.AgentId, pin.Environment), SnapshotPinJson.Write(pin), cancellationToken).ConfigureAwait(false);
        return pin;
    }

    /// <inheritdoc />
    public async Task<SnapshotPin?> GetPinAsync(string agentId, string environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentNullException.ThrowIfNull(environment);
        var key = SnapshotPinJson.KeyOf(agentId, environment);
        var bytes = await ReadAsync(values => values.GetValueOrDefault(key), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : SnapshotPinJson.Read(key, bytes);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SnapshotPin>> ListPinsAsync(CancellationToken cancellationToken)
    {
        var pins = await ReadAsync(
            static values => values
                .Where(static kv => kv.Key.StartsWith(SnapshotPinJson.KeyPrefix, StringComparison.Ordinal))
                .Select(static kv => SnapshotPinJson.Read(kv.Key, kv.Value))
                .ToList(),
            cancellationToken).ConfigureAwait(false);
        return pins
            .OrderBy(static p => p.AgentId, StringComparer.Ordinal)
            .ThenBy(static p => p.Environment, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Closes the Kafka clients; writes already acknowledged are kept.</summary>
    public void Dispose()
    {
        _view.Dispose();
        _producer.Dispose();
        _admin.Dispose();
        _lock.Dispose();
    }

    private async Task ProduceAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        await EnsureTopicAsync(cancellationToken).ConfigureAwait(false);
        var message = new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value };
        await _producer.ProduceAsync(_options.Topic, message, cancellationToken).ConfigureAwait(false);
    }

    // Brings the view up to the topic's end, then reads it while no other call can change it.
    private async Task<T> ReadAsync<T>(Func<IReadOnlyDictionary<string, byte[]>, T> read, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The consumer blocks while it polls; keep that off the caller's thread.
            await Task.Run(() => _view.Refresh(cancellationToken), cancellationToken).ConfigureAwait(false);
            return read(_view.Values);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task EnsureTopicAsync(CancellationToken cancellationToken)
    {
        if (_topicEnsured || !_options.CreateTopic)
        {
            return;
        }

        // Where the topic exists already, creating it needs no admin rights (nor admin API support) at all.
        if (_view.TopicExists())
        {
            _topicEnsured = true;
            return;
        }

        var spec = new TopicSpecification
        {
            Name = _options.Topic,
            NumPartitions = _options.TopicPartitions,
            ReplicationFactor = _options.TopicReplicationFactor,
            Configs = new Dictionary<string, string>
            {
                ["cleanup.policy"] = "compact",
                ["max.message.bytes"] = (_options.MaxMessageBytes + 1024).ToString(CultureInfo.InvariantCulture),
            },
        };
        try
        {
            await _admin.CreateTopicsAsync([spec], new CreateTopicsOptions { OperationTimeout = _options.ReadTimeout, RequestTimeout = _options.ReadTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(static r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            // Another instance (or an operator) created it first.
        }

        _topicEnsured = true;
    }

    private List<SnapshotInfo> ListInfos(IReadOnlyDictionary<string, byte[]> values)
    {
        var infos = new List<SnapshotInfo>();
        foreach (var (key, bytes) in values)
        {
            if (key.StartsWith(SnapshotPinJson.KeyPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            // Parsed once per value; a replaced value (e.g. a repaired one) is parsed again.
            if (!_infos.TryGetValue(key, out var cached) || !ReferenceEquals(cached.Value, bytes))
            {
                var s = Parse(key, bytes);
                cached = (bytes, new SnapshotInfo(s.Id, s.Scope, s.From, s.To, s.EventCount, bytes.LongLength));
                _infos[key] = cached;
            }

            infos.Add(cached.Info);
        }

        return infos;
    }

    private BehaviourSnapshot Parse(string key, byte[] bytes)
    {
        BehaviourSnapshot snapshot;
        try
        {
            snapshot = BehaviourSnapshot.FromJson(bytes);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Snapshot {key} in topic {_options.Topic} is corrupt: {ex.Message}", ex);
        }

        if (!string.Equals(snapshot.Id, key, StringComparison.Ordinal))
        {
            throw new FormatException($"Snapshot {key} in topic {_options.Topic} holds a different snapshot ({snapshot.Id}).");
        }

        return snapshot;
    }

    private static void CheckId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        const string Prefix = "sha256:";
        var hex = id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : string.Empty;
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"'{id}' is not a snapshot id (sha256: followed by 64 hex digits).", nameof(id));
        }
    }
}
