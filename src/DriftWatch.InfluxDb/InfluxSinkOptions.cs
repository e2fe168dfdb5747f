namespace DriftWatch.InfluxDb;

/// <summary>
/// Settings of <see cref="InfluxResultSink"/>, bound from the <c>InfluxDb</c> configuration section
/// (environment: <c>DRIFTWATCH_InfluxDb__Url</c> and so on); the sink calls <see cref="Validate"/> when created.
/// </summary>
public sealed class InfluxSinkOptions
{
    /// <summary>Which write API to use. Default <see cref="InfluxWriteMode.V2"/>.</summary>
    public InfluxWriteMode Mode { get; set; } = InfluxWriteMode.V2;

    /// <summary>Base address of the server, e.g. <c>http://influxdb:8086</c>. Default <c>http://localhost:8086</c>.</summary>
    public Uri Url { get; set; } = new("http://localhost:8086");

    /// <summary>V2: API token with write access to <see cref="Bucket"/>. Required in V2 mode.</summary>
    public string? Token { get; set; }

    /// <summary>V2: organisation name or id. Required in V2 mode.</summary>
    public string? Organization { get; set; }

    /// <summary>V2: bucket to write to. Default <c>driftwatch</c>.</summary>
    public string Bucket { get; set; } = "driftwatch";

    /// <summary>V1: database to write to. Default <c>driftwatch</c>. It must exist (or be DBRP-mapped on 2.x).</summary>
    public string Database { get; set; } = "driftwatch";

    /// <summary>V1: retention policy; null means the database's default policy.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>V1: user name for authentication; null writes anonymously.</summary>
    public string? Username { get; set; }

    /// <summary>V1: password that goes with <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Most points sent in one HTTP request. Default 5,000 (InfluxData's recommended batch size).</summary>
    public int MaxBatchPoints { get; set; } = 5_000;

    /// <summary>
    /// Most chunks (each up to <see cref="MaxBatchPoints"/> points) waiting to be written; a writer that finds
    /// the buffer full waits, which slows the stream down instead of growing memory. Default 64.
    /// </summary>
    public int BufferCapacity { get; set; } = 64;

    /// <summary>Timeout of one write request. Default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait before the first retry of a failed write; doubled after each failure. Default 200 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the retry wait. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is not usable.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw Invalid(nameof(Mode), $"must be {InfluxWriteMode.V2} or {InfluxWriteMode.V1}");
        }

        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(nameof(Url), "must be an absolute http or https address, e.g. http://influxdb:8086");
        }

        if (Mode == InfluxWriteMode.V2)
        {
            Require(Token, nameof(Token), "is required in V2 mode (an API token with write access to the bucket)");
            Require(Organization, nameof(Organization), "is required in V2 mode");
            Require(Bucket, nameof(Bucket), "is required in V2 mode");
        }
        else
        {
            Require(Database, nameof(Database), "is required in V1 mode");
            if (Password is not null && string.IsNullOrEmpty(Username))
            {
                throw Invalid(nameof(Username), "is required when Password is set");
            }
        }

        if (MaxBatchPoints < 1)
        {
            throw Invalid(nameof(MaxBatchPoints), "must be at least 1");
        }

        if (BufferCapacity < 1)
        {
            throw Invalid(nameof(BufferCapacity), "must be at least 1");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(RequestTimeout), "must be positive");
        }

        if (InitialRetryDelay <= TimeSpan.Zero)
        {
            throw Invalid(nameof(InitialRetryDelay), "must be positive");
        }

        if (MaxRetryDelay < InitialRetryDelay)
        {
            throw Invalid(nameof(MaxRetryDelay), "must be at least InitialRetryDelay");
        }
    }

    private static void Require(string? value, string name, string why)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(name, why);
        }
    }

    private static ArgumentException Invalid(string name, string why) =>
        new($"InfluxDb:{name} {why}.", name);
}
