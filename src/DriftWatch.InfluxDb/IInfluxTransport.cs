namespace DriftWatch.InfluxDb;

/// <summary>Sends line protocol to a server; returns once the server acknowledged it, throws otherwise.</summary>
internal interface IInfluxTransport : IDisposable
{
    Task WriteAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken);
}
