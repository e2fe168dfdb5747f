using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace DriftWatch.InfluxDb;

/// <summary>Writes line protocol through InfluxDB.Client's asynchronous write API (<c>/api/v2/write</c>).</summary>
internal sealed class V2ClientTransport : IInfluxTransport
{
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _write;
    private readonly string _bucket;
    private readonly string _organization;

    public V2ClientTransport(InfluxSinkOptions options)
    {
        var clientOptions = new InfluxDBClientOptions(options.Url.AbsoluteUri)
        {
            Token = options.Token,
            Org = options.Organization,
            Bucket = options.Bucket,
            Timeout = options.RequestTimeout,
        };
        _client = new InfluxDBClient(clientOptions);
        _write = _client.GetWriteApiAsync();
        _bucket = options.Bucket;
        _organization = options.Organization!;
    }

    public async Task WriteAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        try
        {
            await _write.WriteRecordsAsync(lines.ToArray(), WritePrecision.Ms, _bucket, _organization, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (HttpException e)
        {
            throw new InfluxWriteException(
                $"/api/v2/write answered {e.Status}: {e.Message}",
                isTransient: !InfluxWriteException.IsRejection(e.Status),
                statusCode: e.Status,
                inner: e);
        }
        catch (Exception e) when (e is HttpRequestException or InfluxException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new InfluxWriteException($"/api/v2/write failed: {e.Message}", isTransient: true, inner: e);
        }
    }

    public void Dispose() => _client.Dispose();
}
