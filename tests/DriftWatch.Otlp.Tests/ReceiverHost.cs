using DriftWatch.Core.Events;
using DriftWatch.Otlp.Http;
using DriftWatch.Otlp.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DriftWatch.Otlp.Tests;

/// <summary>The receiver on a real Kestrel server on a free port, publishing into a list.</summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    public const string Token = "otlp-test-token";

    private readonly WebApplication _app;

    private ReceiverHost(WebApplication app, OtlpHttpReceiver receiver, RecordingSink sink)
    {
        _app = app;
        Receiver = receiver;
        Sink = sink;
    }

    public OtlpHttpReceiver Receiver { get; }

    public RecordingSink Sink { get; }

    public Uri TracesUri { get; private set; } = new("http://127.0.0.1/");

    public static async Task<ReceiverHost> StartAsync(OtlpIngestOptions? options = null, RecordingSink? sink = null, IDecisionEventSink? publishTo = null)
    {
        options ??= new OtlpIngestOptions { ToolSpanWait = TimeSpan.Zero };
        options.BearerToken ??= Token;
        sink ??= new RecordingSink();
        var receiver = new OtlpHttpReceiver(options, publishTo ?? sink);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        // Small server-wide limit, as the API host has: the receiver raises it for its own path.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 256 * 1024);
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapPost(OtlpHttpReceiver.Path, receiver.HandleAsync);
        await app.StartAsync();
        var host = new ReceiverHost(app, receiver, sink);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.TracesUri = new Uri(new Uri(address), OtlpHttpReceiver.Path);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Collects published events; can be told to fail.</summary>
internal sealed class RecordingSink : IDecisionEventSink
{
    private readonly List<DecisionEvent> _events = [];

    public bool Fail { get; set; }

    public IReadOnlyList<DecisionEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public Task PublishAsync(IReadOnlyList<DecisionEvent> events, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new InvalidOperationException("sink down");
        }

        lock (_events)
        {
            _events.AddRange(events);
        }

        return Task.CompletedTask;
    }
}
