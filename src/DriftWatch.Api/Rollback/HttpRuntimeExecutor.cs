using System.Net;
using System.Net.Http.Headers;
using DriftWatch.Api.Hosting;

namespace DriftWatch.Api.Rollback;

/// <summary>POSTs the command to the runtime URL configured for its agent, with retries and backoff.</summary>
internal sealed class HttpRuntimeExecutor : IRollbackExecutor
{
    private readonly HttpClient _http;
    private readonly RollbackOptions _options;
    private readonly TimeProvider _time;

    public HttpRuntimeExecutor(HttpClient http, RollbackOptions options, TimeProvider time)
    {
        _http = http;
        _options = options;
        _time = time;
    }

    public bool Serves(string agentId) => _options.RuntimeUrls.ContainsKey(agentId);

    public async Task<RollbackDelivery> ExecuteAsync(RollbackCommand command, CancellationToken cancellationToken)
    {
        if (!_options.RuntimeUrls.TryGetValue(command.AgentId, out var url))
        {
            return new RollbackDelivery(false, $"http: no runtime URL configured for agent '{command.AgentId}'");
        }

        var body = RollbackJson.Serialize(command);
        var (ok, detail, attempts) = await Backoff.RunAsync(
            ct => AttemptAsync(new Uri(url), body, ct),
            _options.MaxAttempts,
            _options.InitialBackoff,
            _options.MaxBackoff,
            _time,
            cancellationToken);
        return new RollbackDelivery(ok, $"http {url}: {detail} after {attempts} attempt(s)");
    }

    private async Task<AttemptResult> AttemptAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.PostAsync(url, content, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AttemptResult(AttemptOutcome.Succeeded, $"{status}");
            }

            // 4xx other than timeout/throttling means the runtime refused this command; repeating will not help.
            var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return new AttemptResult(transient ? AttemptOutcome.Transient : AttemptOutcome.Permanent, $"{status}");
        }
        catch (HttpRequestException ex)
        {
            return new AttemptResult(AttemptOutcome.Transient, ex.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Transient, "timeout");
        }
    }
}
