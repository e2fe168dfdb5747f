namespace DriftWatch.InfluxDb.Tests;

public sealed class InfluxSinkOptionsTests
{
    [Fact]
    public void Validate_V1Defaults_Passes()
    {
        var options = new InfluxSinkOptions { Mode = InfluxWriteMode.V1 };

        options.Validate();

        Assert.Equal("driftwatch", options.Database);
        Assert.Equal(5_000, options.MaxBatchPoints);
    }

    [Fact]
    public void Validate_V2WithTokenAndOrganization_Passes()
    {
        var options = new InfluxSinkOptions { Token = "t", Organization = "o" };

        options.Validate();

        Assert.Equal(InfluxWriteMode.V2, options.Mode);
    }

    public static TheoryData<string, Action<InfluxSinkOptions>> BadSettings => new()
    {
        { nameof(InfluxSinkOptions.Token), o => o.Token = null },
        { nameof(InfluxSinkOptions.Organization), o => o.Organization = " " },
        { nameof(InfluxSinkOptions.Bucket), o => o.Bucket = "" },
        { nameof(InfluxSinkOptions.Url), o => o.Url = new Uri("ftp://influx:21") },
        { nameof(InfluxSinkOptions.Url), o => o.Url = new Uri("/relative", UriKind.Relative) },
        { nameof(InfluxSinkOptions.Mode), o => o.Mode = (InfluxWriteMode)7 },
        { nameof(InfluxSinkOptions.MaxBatchPoints), o => o.MaxBatchPoints = 0 },
        { nameof(InfluxSinkOptions.BufferCapacity), o => o.BufferCapacity = 0 },
        { nameof(InfluxSinkOptions.RequestTimeout), o => o.RequestTimeout = TimeSpan.Zero },
        { nameof(InfluxSinkOptions.InitialRetryDelay), o => o.InitialRetryDelay = TimeSpan.FromSeconds(-1) },
        { nameof(InfluxSinkOptions.MaxRetryDelay), o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(10) },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_V2BadSetting_ThrowsNamingTheSetting(string setting, Action<InfluxSinkOptions> spoil)
    {
        var options = new InfluxSinkOptions { Token = "t", Organization = "o" };
        spoil(options);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
        Assert.Contains($"InfluxDb:{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_V1WithoutDatabase_ThrowsNamingDatabase()
    {
        var options = new InfluxSinkOptions { Mode = InfluxWriteMode.V1, Database = "" };

        Assert.Equal(nameof(InfluxSinkOptions.Database), Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public void Validate_V1PasswordWithoutUser_ThrowsNamingUsername()
    {
        var options = new InfluxSinkOptions { Mode = InfluxWriteMode.V1, Password = "secret" };

        Assert.Equal(nameof(InfluxSinkOptions.Username), Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeStarting()
    {
        var options = new InfluxSinkOptions { Mode = InfluxWriteMode.V2 };

        Assert.Equal(nameof(InfluxSinkOptions.Token), Assert.Throws<ArgumentException>(() => new InfluxResultSink(options)).ParamName);
    }

    [Theory]
    [InlineData("http://influx:8086", "drift watch", null, "http://influx:8086/write?db=drift%20watch&precision=ms")]
    [InlineData("http://influx:8086/proxy/", "driftwatch", "week", "http://influx:8086/proxy/write?db=driftwatch&precision=ms&rp=week")]
    [InlineData("http://influx:8086/proxy", "driftwatch", null, "http://influx:8086/proxy/write?db=driftwatch&precision=ms")]
    public void WriteUri_V1Settings_PointsAtWriteEndpointWithMillisecondPrecision(string url, string database, string? rp, string expected)
    {
        var options = new InfluxSinkOptions { Mode = InfluxWriteMode.V1, Url = new Uri(url), Database = database, RetentionPolicy = rp };

        Assert.Equal(expected, V1HttpTransport.WriteUri(options).AbsoluteUri);
    }
}
