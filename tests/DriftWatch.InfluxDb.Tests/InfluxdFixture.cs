using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>One influxd shared by a test class; each test writes to its own database.</summary>
public sealed class InfluxdFixture : IAsyncLifetime
{
    public InfluxdServer? Server { get; private set; }

    public async Task InitializeAsync()
    {
        if (InfluxdServer.BinaryPath is not null)
        {
            Server = await InfluxdServer.StartNewAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    public InfluxdServer Require() => Server ?? throw new InvalidOperationException(InfluxdServer.InstallHint);

    public static string NewDatabase() => "dw_" + Guid.NewGuid().ToString("N")[..12];

    public static InfluxSinkOptions V1Options(InfluxdServer server, string database) => new()
    {
        Mode = InfluxWriteMode.V1,
        Url = server.Url,
        Database = database,
        InitialRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(400),
    };
}
