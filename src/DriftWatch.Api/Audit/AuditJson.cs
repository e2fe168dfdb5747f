using System.Text.Json;
using System.Text.Json.Serialization;

namespace DriftWatch.Api.Audit;

/// <summary>The JSON form of audit records, shared by the audit file, the API and <c>driftwatch audit --json</c>.</summary>
public static class AuditJson
{
    /// <summary>Serializer options for <see cref="AuditRecord"/>.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}
