using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>
/// A stand-in for InfluxDB 2.x's /api/v2/write, used only because no 2.x server can run here (the local
/// influxd is 1.6, which has no v2 API). It records each request and answers with scripted status codes.
/// </summary>
public sealed class FakeV2WriteEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<HttpStatusCode> _answers;
    private readonly List<(string Method, string PathAndQuery, string? Authorization, string Body)> _requests = [];
    private readonly Task _loop;

    public FakeV2WriteEndpoint(params HttpStatusCode[] answers)
    {
        _answers = new Queue<HttpStatusCode>(answers);
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public IReadOnlyList<(string Method, string PathAndQuery, string? Authorization, string Body)> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            HttpStatusCode status;
            lock (_requests)
            {
                _requests.Add((context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"], body));
                status = _answers.Count > 0 ? _answers.Dequeue() : HttpStatusCode.NoContent;
            }

            context.Response.StatusCode = (int)status;
            if (status != HttpStatusCode.NoContent)
            {
                var error = Encoding.UTF8.GetBytes("{\"code\":\"scripted\",\"message\":\"scripted answer\"}");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(error);
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
