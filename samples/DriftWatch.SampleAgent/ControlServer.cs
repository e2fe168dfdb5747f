using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DriftWatch.SampleAgent;

/// <summary>The runtime's HTTP control endpoint: <c>POST /control/rollback</c> and <c>GET /control/state</c>.</summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private const int MaxCommandBytes = 64 * 1024;
    private readonly WebApplication _app;

    private ControlServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The rollback endpoint's full URL, to configure in DriftWatch as the agent's runtime URL.</summary>
    public Uri RollbackUrl => new(Address, "/control/rollback");

    public static async Task<ControlServer> StartAsync(
        string url,
        RollbackHandler handler,
        RoutingPolicyRuntime runtime,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "DriftWatch.SampleAgent" });
        builder.WebHost.UseKestrelCore().UseUrls(url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxCommandBytes);
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        app.MapPost("/control/rollback", async context =>
        {
            byte[] body;
            try
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                body = buffer.ToArray();
            }
            catch (BadHttpRequestException ex)
            {
                context.Response.StatusCode = ex.StatusCode;
                return;
            }

            var result = handler.Handle(body);
            context.Response.StatusCode = result.Status switch
            {
                RollbackStatus.Rejected => StatusCodes.Status422UnprocessableEntity,
                _ => StatusCodes.Status200OK,
            };
            await context.Response.WriteAsJsonAsync(
                new
                {
                    status = result.Status.ToString().ToLowerInvariant(),
                    command_id = result.CommandId,
                    detail = result.Detail,
                    state_version = result.NewVersion,
                    reverted = result.Reverted.Select(static c => c.Key).ToArray(),
                },
                context.RequestAborted);
        });
        app.MapGet("/control/state", context => context.Response.WriteAsJsonAsync(
            new { agent_id = runtime.AgentId, state_version = runtime.StateVersion },
            context.RequestAborted));

        await app.StartAsync(cancellationToken);
        return new ControlServer(app) { Address = new Uri(app.Urls.First()) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
