namespace DriftWatch.InfluxDb;

/// <summary>
/// A write the server did not acknowledge. <see cref="IsTransient"/> is false when the server rejected the
/// points themselves (bad line protocol, field type conflict): sending them again cannot succeed.
/// </summary>
internal sealed class InfluxWriteException : Exception
{
    public InfluxWriteException(string message, bool isTransient, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        IsTransient = isTransient;
        StatusCode = statusCode;
    }

    public bool IsTransient { get; }

    public int? StatusCode { get; }

    // 400 and 422 mean the server parsed the request and refused its points; 413 cannot happen with the
    // batch sizes used. Anything else (auth, missing database, 5xx, network) can heal while we wait.
    public static bool IsRejection(int statusCode) => statusCode is 400 or 422;
}
