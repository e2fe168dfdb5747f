using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Security;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// POSTs the command to the runtime URL configured for its agent, retried by <see cref="DeliveryRetry"/>.
/// User information in the URL becomes a Basic authorization header and never appears in a detail.
/// </summary>
internal sealed class HttpRuntimeExecutor : IRollbackExecutor
{
    private readonly HttpClient _http;
    private readonly RollbackOptions _options;
    private readonly DeliveryRetry _retry;

    public HttpRuntimeExecutor(HttpClient http, RollbackOptions options, TimeProvider time, ILogger? logger = null)
    {
        _http = http;
        _options = options;
        _retry = new DeliveryRetry(options, time, logger ?? NullLogger.Instance, "http");
    }

    public bool Serves(string agentId) => _options.RuntimeUrls.ContainsKey(agentId);

    public async Task<RollbackDelivery> ExecuteAsync(RollbackCommand command, CancellationToken cancellationToken)
    {
        if (!_options.RuntimeUrls.TryGetValue(command.AgentId, out var url))
        {
            return new RollbackDelivery(false, $"http: no runtime URL configured for agent '{command.AgentId}'");
        }

        var (target, authorization) = Split(new Uri(url));
        var body = RollbackJson.Serialize(command);
        var (ok, detail, attempts) = await _retry.RunAsync(ct => AttemptAsync(target, authorization, body, ct), cancellationToken);
        return new RollbackDelivery(ok, $"http {SecretRedactor.RedactUrl(url)}: {detail} after {attempts} attempt(s)");
    }

    private static (Uri Target, AuthenticationHeaderValue? Authorization) Split(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return (url, null);
        }

        var credentials = Uri.UnescapeDataString(url.UserInfo);
        var target = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri;
        return (target, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))));
    }

    private async Task<AttemptResult> AttemptAsync(Uri url, AuthenticationHeaderValue? authorization, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = authorization;
            using var response = await _http.SendAsync(request, timeout.Token);
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
