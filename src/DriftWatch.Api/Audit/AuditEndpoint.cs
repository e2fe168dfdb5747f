using System.Globalization;
using DriftWatch.Api.Security;
using DriftWatch.Api.Webhooks;
using Microsoft.AspNetCore.Http;

namespace DriftWatch.Api.Audit;

/// <summary>
/// GET /api/audit?limit=N&amp;agent_id=A&amp;before=CURSOR: the newest records of the audit trail (before the
/// cursor), oldest first, as a JSON array. Requires the audit bearer token; without it the answer is 401 and
/// carries no record. When older records exist, a <c>Link: &lt;...&gt;; rel="next"</c> header and
/// <c>DriftWatch-Next-Before</c> give the cursor of the next page. Records are read redacted
/// (<see cref="AuditTrailReader"/>), so a trail written before redaction existed leaks nothing either.
/// </summary>
internal sealed class AuditEndpoint
{
    private const int MaxLimit = 10_000;
    internal const string NextBeforeHeader = "DriftWatch-Next-Before";

    private readonly string _path;
    private readonly int _defaultLimit;
    private readonly BearerToken _token;

    public AuditEndpoint(string path, int defaultLimit, BearerToken token)
    {
        _path = path;
        _defaultLimit = defaultLimit;
        _token = token;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var unauthenticated = _token.Check(context.Request.Headers);
        if (unauthenticated is not null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, unauthenticated);
            return;
        }

        var query = context.Request.Query;
        var limit = _defaultLimit;
        if (query.TryGetValue("limit", out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"limit must be 1 to {MaxLimit}");
            return;
        }

        long? before = null;
        if (query.TryGetValue("before", out var cursor))
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "before must be a cursor from a previous page");
                return;
            }

            before = offset;
        }

        var agent = query.TryGetValue("agent_id", out var a) && a.ToString() is { Length: > 0 } id ? id : null;
        AuditPage page;
        try
        {
            page = await AuditTailReader.ReadPageAsync(_path, limit, before, agent, context.RequestAborted);
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "before")
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "before is past the end of the audit trail");
            return;
        }

        if (page.Before is { } next)
        {
            var nextText = next.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers[NextBeforeHeader] = nextText;
            var link = QueryString.Create([
                new("limit", limit.ToString(CultureInfo.InvariantCulture)),
                .. agent is null ? Array.Empty<KeyValuePair<string, string?>>() : [new("agent_id", agent)],
                new("before", nextText),
            ]);
            context.Response.Headers.Link = $"<{context.Request.PathBase}{context.Request.Path}{link}>; rel=\"next\"";
        }

        await context.Response.WriteAsJsonAsync(page.Records, AuditJson.Options, context.RequestAborted);
    }

    private static async Task ErrorAsync(HttpContext context, int statusCode, string error)
    {
        context.Response.StatusCode = statusCode;
        await context.Response.WriteAsJsonAsync(new WebhookResponse(error, []), ApiJson.Options, context.RequestAborted);
    }
}
