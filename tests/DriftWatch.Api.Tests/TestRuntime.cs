using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DriftWatch.Api.Tests;

/// <summary>
/// A real HTTP listener on a free port standing for agent runtimes: POST /{name} answers with the status set
/// for that name (200 by default); a name that is held does not answer until <see cref="Release"/>.
/// </summary>
internal sealed class TestRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _authorizations = new();

    private TestRuntime(WebApplication app)
    {
        _app = app;
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyCollection<string> Authorizations => _authorizations;

    public static async Task<TestRuntime> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var runtime = new TestRuntime(builder.Build());
        runtime._app.MapPost("/{name}", runtime.HandleAsync);
        await runtime._app.StartAsync();
        runtime.Address = new Uri(runtime._app.Urls.First());
        return runtime;
    }

    public string Url(string name) => new Uri(Address, "/" + name).ToString();

    public int Calls(string name) => _calls.TryGetValue(name, out var n) ? n : 0;

    public void Answer(string name, int status) => _status[name] = status;

    /// <summary>Requests to <paramref name="name"/> wait until released.</summary>
    public void Hold(string name) => _held[name] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string name) => _held[name].TrySetResult();

    /// <summary>Completes when the first request for <paramref name="name"/> has arrived.</summary>
    public Task ArrivedAsync(string name) => ArrivalOf(name).Task;

    private TaskCompletionSource ArrivalOf(string name) =>
        _arrived.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task HandleAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        _calls.AddOrUpdate(name, 1, static (_, n) => n + 1);
        _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        ArrivalOf(name).TrySetResult();
        if (_held.TryGetValue(name, out var held))
        {
            await held.Task;
        }

        context.Response.StatusCode = _status.TryGetValue(name, out var status) ? status : 200;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _held.Values)
        {
            held.TrySetResult();
        }

        await _app.DisposeAsync();
    }
}
