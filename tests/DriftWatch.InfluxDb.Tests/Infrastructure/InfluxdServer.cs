using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>
/// A real influxd (1.x, v1 HTTP API) on 127.0.0.1 with free ports and its own temporary meta, data and WAL
/// directories. It can be killed and started again on the same ports and directories, as a crashed and
/// restarted server would be.
/// </summary>
public sealed class InfluxdServer : IAsyncDisposable
{
    public const string InstallHint =
        "influxd not found: install InfluxDB 1.x (Debian: apt-get install influxdb) or set DRIFTWATCH_INFLUXD to its path";

    private readonly string _root;
    private readonly string _configPath;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private InfluxdServer(string binary)
    {
        Binary = binary;
        _root = Path.Combine(Path.GetTempPath(), "driftwatch-influxd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        HttpPort = FreePort();
        RpcPort = FreePort();
        while (RpcPort == HttpPort)
        {
            RpcPort = FreePort();
        }

        _configPath = Path.Combine(_root, "influxdb.conf");
        File.WriteAllText(_configPath, Config());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The influxd binary, or null when none is installed.</summary>
    public static string? BinaryPath { get; } = FindBinary();

    public string Binary { get; }

    public int HttpPort { get; }

    public int RpcPort { get; }

    public Uri Url => new($"http://127.0.0.1:{HttpPort}/");

    public HttpClient Http { get; }

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<InfluxdServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var binary = BinaryPath ?? throw new InvalidOperationException(InstallHint);
        var server = new InfluxdServer(binary);
        try
        {
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("influxd is already running.");
        }

        var start = new ProcessStartInfo(Binary, ["-config", _configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited with {process.ExitCode} while starting:\n{Log()}");
            }

            try
            {
                using var ping = await Http.GetAsync(new Uri("ping", UriKind.Relative), cancellationToken);
                if (ping.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"influxd did not answer /ping within 30 s:\n{Log()}");
    }

    /// <summary>Kills the server without warning (SIGKILL), as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        await QueryAsync($"CREATE DATABASE \"{database}\"", database: null, cancellationToken);

    /// <summary>Runs InfluxQL through /query and returns its first statement's result.</summary>
    public async Task<InfluxQueryResult> QueryAsync(string influxQl, string? database, CancellationToken cancellationToken = default)
    {
        var form = new Dictionary<string, string> { ["q"] = influxQl, ["epoch"] = "ms" };
        if (database is not null)
        {
            form["db"] = database;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await Http.PostAsync(new Uri("query", UriKind.Relative), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"/query answered {(int)response.StatusCode} for [{influxQl}]: {body}");
        }

        return InfluxQueryResult.Parse(body, influxQl);
    }

    /// <summary>Posts line protocol to /write (precision ms) and fails on any non-2xx answer.</summary>
    public async Task WriteAsync(string database, string lines, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(lines, Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync(
            new Uri($"write?db={Uri.EscapeDataString(database)}&precision=ms", UriKind.Relative), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"/write answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public string Log()
    {
        lock (_log)
        {
            return _log.Length <= 4000 ? _log.ToString() : _log.ToString(_log.Length - 4000, 4000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the OS's temp cleaning.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private string Config()
    {
        string Dir(string name) => Path.Combine(_root, name).Replace("\\", "/", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{RpcPort}"

            [meta]
              dir = "{Dir("meta")}"

            [data]
              dir = "{Dir("data")}"
              wal-dir = "{Dir("wal")}"
              wal-fsync-delay = "0s"
              query-log-enabled = false

            [monitor]
              store-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{HttpPort}"
              auth-enabled = false
              log-enabled = false
              pprof-enabled = false

            [continuous_queries]
              enabled = false
            """);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("DRIFTWATCH_INFLUXD");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "influxd");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
