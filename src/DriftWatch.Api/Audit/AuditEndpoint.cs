using System.Globalization;
using DriftWatch.Api.Webhooks;
using Microsoft.AspNetCore.Http;

namespace DriftWatch.Api.Audit;

/// <summary>GET /api/audit?limit=N&amp;agent_id=A: the last records of the audit trail, oldest first.</summary>
internal static class AuditEndpoint
{
    private const int MaxLimit = 10_000;

    public static async Task HandleAsync(HttpContext context, string path, int defaultLimit)
    {
        var limit = defaultLimit;
        if (context.Request.Query.TryGetValue("limit", out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new WebhookResponse($"limit must be 1 to {MaxLimit}", []), ApiJson.Options, context.RequestAborted);
            return;
        }

        var agent = context.Request.Query.TryGetValue("agent_id", out var a) ? a.ToString() : null;
        var records = await AuditTrailReader.ReadLastAsync(path, limit, string.IsNullOrEmpty(agent) ? null : agent, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(records, AuditJson.Options, context.RequestAborted);
    }
}
