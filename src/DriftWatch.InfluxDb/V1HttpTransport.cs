using System.Net.Http.Headers;
using System.Text;

namespace DriftWatch.InfluxDb;

/// <summary>POSTs line protocol to the v1 write endpoint, <c>/write?db=..&amp;precision=ms</c>.</summary>
internal sealed class V1HttpTransport : IInfluxTransport
{
    private readonly HttpClient _http;
    private readonly Uri _writeUri;
    private readonly AuthenticationHeaderValue? _auth;

    public V1HttpTransport(InfluxSinkOptions options, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = options.RequestTimeout;
        _writeUri = WriteUri(options);
        if (!string.IsNullOrEmpty(options.Username))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
            _auth = new AuthenticationHeaderValue("Basic", credentials);
        }
    }

    internal static Uri WriteUri(InfluxSinkOptions options)
    {
        var query = new StringBuilder("write?db=").Append(Uri.EscapeDataString(options.Database)).Append("&precision=ms");
        if (!string.IsNullOrEmpty(options.RetentionPolicy))
        {
            query.Append("&rp=").Append(Uri.EscapeDataString(options.RetentionPolicy));
        }

        var baseUri = options.Url.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        return new Uri(baseUri, query.ToString());
    }

    public async Task WriteAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri)
        {
            Content = new StringContent(string.Join('\n', lines), Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = _auth;

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new InfluxWriteException($"POST {_writeUri.GetLeftPart(UriPartial.Path)} failed: {e.Message}", isTransient: true, inner: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InfluxWriteException($"POST {_writeUri.GetLeftPart(UriPartial.Path)} timed out", isTransient: true, inner: e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            throw new InfluxWriteException(
                $"POST {_writeUri.GetLeftPart(UriPartial.Path)} answered {status}: {Trim(body)}",
                isTransient: !InfluxWriteException.IsRejection(status),
                statusCode: status);
        }
    }

    private static string Trim(string body) => body.Length <= 300 ? body.Trim() : body[..300].Trim() + "...";

    public void Dispose() => _http.Dispose();
}
