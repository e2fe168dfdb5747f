namespace DriftWatch.InfluxDb;

/// <summary>Which InfluxDB write API the sink uses.</summary>
public enum InfluxWriteMode
{
    /// <summary>
    /// The v2 write API (<c>/api/v2/write</c>) through InfluxDB.Client, with token, organisation and bucket.
    /// Served by InfluxDB 1.8+, 2.x and 3.x.
    /// </summary>
    V2,

    /// <summary>
    /// The v1 write API (<c>/write?db=...</c>): line protocol over HTTP POST, with optional user and password.
    /// Served by every InfluxDB 1.x and by 2.x and 3.x through their v1 compatibility endpoints.
    /// </summary>
    V1,
}
