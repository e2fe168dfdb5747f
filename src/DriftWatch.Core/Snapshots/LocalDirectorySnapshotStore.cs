using System.Globalization;
using System.Text.Json;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// An <see cref="ISnapshotStore"/> in a local directory: one canonical JSON file per snapshot named after
/// its id (<c>sha256-&lt;hex&gt;.json</c>, since ':' is not portable in file names) and a <c>pins.json</c>.
/// Files are written to a temporary name and renamed, so a crash never leaves a half-written snapshot.
/// </summary>
public sealed class LocalDirectorySnapshotStore : ISnapshotStore
{
    /// <summary>The directory used when none is given, relative to the working directory.</summary>
    public const string DefaultDirectory = ".driftwatch/snapshots";

    private const string PinsFile = "pins.json";
    private const string FilePrefix = "sha256-";

    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _pinsLock = new(1, 1);

    /// <summary>Opens (and creates on first write) a store in <paramref name="directory"/>.</summary>
    public LocalDirectorySnapshotStore(string? directory = null, TimeProvider? timeProvider = null)
    {
        Directory = Path.GetFullPath(directory ?? DefaultDirectory);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The absolute directory the store uses.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public async Task<string> PutAsync(BehaviourSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var path = PathOf(snapshot.Id);
        if (!File.Exists(path))
        {
            await WriteAtomicallyAsync(path, snapshot.ToUtf8Json(), cancellationToken).ConfigureAwait(false);
        }

        return snapshot.Id;
    }

    /// <inheritdoc />
    public async Task<BehaviourSnapshot?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return BehaviourSnapshot.FromJson(bytes);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SnapshotInfo>> ListAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var infos = new List<SnapshotInfo>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, FilePrefix + "*.json"))
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            infos.Add(ReadInfo(bytes));
        }

        return infos
            .OrderBy(static i => i.From ?? DateTimeOffset.MinValue)
            .ThenBy(static i => i.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    public async Task<SnapshotPin> PinAsync(string snapshotId, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(snapshotId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Snapshot {snapshotId} is not in the store at {Directory}; put it before pinning it.");
        var pin = new SnapshotPin(snapshot.Scope.AgentId, snapshot.Scope.Environment, snapshot.Id, _time.GetUtcNow());
        await _pinsLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var pins = (await ReadPinsAsync(cancellationToken).ConfigureAwait(false))
                .Where(p => p.AgentId != pin.AgentId || p.Environment != pin.Environment)
                .Append(pin)
                .OrderBy(static p => p.AgentId, StringComparer.Ordinal)
                .ThenBy(static p => p.Environment, StringComparer.Ordinal)
                .ToList();
            await WriteAtomicallyAsync(Path.Combine(Directory, PinsFile), WritePins(pins), cancellationToken).ConfigureAwait(false);
            return pin;
        }
        finally
        {
            _pinsLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<SnapshotPin?> GetPinAsync(string agentId, string environment, CancellationToken cancellationToken)
    {
        var pins = await ReadPinsAsync(cancellationToken).ConfigureAwait(false);
        return pins.FirstOrDefault(p => p.AgentId == agentId && p.Environment == environment);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SnapshotPin>> ListPinsAsync(CancellationToken cancellationToken) =>
        await ReadPinsAsync(cancellationToken).ConfigureAwait(false);

    private string PathOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        const string Prefix = "sha256:";
        var hex = id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : string.Empty;
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"'{id}' is not a snapshot id (sha256: followed by 64 hex digits).", nameof(id));
        }

        return Path.Combine(Directory, FilePrefix + hex.ToLowerInvariant() + ".json");
    }

    private async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    private static SnapshotInfo ReadInfo(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        var scope = root.GetProperty("scope");
        return new SnapshotInfo(
            root.GetProperty("id").GetString()!,
            new SnapshotScope(
                scope.GetProperty("agent_id").GetString()!,
                scope.GetProperty("environment").GetString()!,
                scope.TryGetProperty("decision_name", out var d) ? d.GetString() : null),
            root.TryGetProperty("from", out var from) ? Time(from) : null,
            root.TryGetProperty("to", out var to) ? Time(to) : null,
            root.GetProperty("event_count").GetInt64(),
            bytes.LongLength);
    }

    private async Task<List<SnapshotPin>> ReadPinsAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, PinsFile);
        if (!File.Exists(path))
        {
            return [];
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.GetProperty("pins").EnumerateArray()
            .Select(static p => new SnapshotPin(
                p.GetProperty("agent_id").GetString()!,
                p.GetProperty("environment").GetString()!,
                p.GetProperty("snapshot_id").GetString()!,
                Time(p.GetProperty("pinned_at"))))
            .ToList();
    }

    private static byte[] WritePins(IEnumerable<SnapshotPin> pins)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("pins");
            foreach (var pin in pins)
            {
                w.WriteStartObject();
                w.WriteString("agent_id", pin.AgentId);
                w.WriteString("environment", pin.Environment);
                w.WriteString("snapshot_id", pin.SnapshotId);
                w.WriteString("pinned_at", pin.PinnedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static DateTimeOffset Time(JsonElement e) =>
        DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
