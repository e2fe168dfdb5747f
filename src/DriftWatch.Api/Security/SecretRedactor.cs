using System.Text.RegularExpressions;

namespace DriftWatch.Api.Security;

/// <summary>
/// Removes credentials from text that leaves the process (API answers, the audit file, the audit topic,
/// logs): the user and password of URLs, values of query parameters that name a secret, and the values of
/// authorization-like headers. Applied where text is produced and again where it is written, so a record
/// written by an older version is also cleaned when it is served.
/// </summary>
internal static partial class SecretRedactor
{
    /// <summary>What replaces a removed secret.</summary>
    public const string Mask = "REDACTED";

    private static readonly string[] SecretNameParts =
    [
        "key", "token", "secret", "password", "passwd", "pwd", "auth", "credential", "signature", "sig", "session", "cookie",
    ];

    /// <summary>True when a query parameter or header of this name carries a credential.</summary>
    public static bool IsSecretName(string name)
    {
        var normalized = name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        foreach (var part in SecretNameParts)
        {
            if (normalized.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A URL without its user information and with secret query values masked.</summary>
    public static string RedactUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return RedactText(url);
    }

    /// <summary>Free text (an error detail, a log line) with every credential it contains masked.</summary>
    public static string RedactText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = UserInfo().Replace(text, m => $"{m.Groups["scheme"].Value}{Mask}@");
        result = QueryParameter().Replace(result, m => IsSecretName(Uri.UnescapeDataString(m.Groups["name"].Value))
            ? $"{m.Groups["lead"].Value}{m.Groups["name"].Value}={Mask}"
            : m.Value);
        result = HeaderValue().Replace(result, m => $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Mask}");
        return BearerValue().Replace(result, m => $"{m.Groups["scheme"].Value} {Mask}");
    }

    // scheme://user:password@host -> scheme://REDACTED@host (the user name alone can also be a token).
    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/?#@\s]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    // ?name=value or &name=value (also ;), value up to the next separator or whitespace; a colon that ends
    // the URL in text ("...?token=x: 503") is the text's, not the value's.
    [GeneratedRegex(@"(?<lead>[?&;])(?<name>[^=&;#\s?]+)=(?<value>(?:[^&;#\s:]|:(?!\s|$))*)", RegexOptions.CultureInvariant)]
    private static partial Regex QueryParameter();

    // "Authorization: Basic abc", "X-Api-Key=abc", "\"token\":\"abc\"" style pairs; the name must look like a
    // secret's (same word parts as IsSecretName), so "detail: x" is kept.
    [GeneratedRegex(@"(?<name>\b[A-Za-z0-9_\-]*(?:key|token|secret|password|passwd|pwd|auth|credential|signature|sig|session|cookie)[A-Za-z0-9_\-]*)(?<sep>""?\s*[:=]\s*""?)(?<value>(?:(?:Bearer|Basic|Token)\s+)?(?!REDACTED)[^\s"",;&]+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex HeaderValue();

    [GeneratedRegex(@"\b(?<scheme>Bearer|Basic)\s+(?!REDACTED)[A-Za-z0-9\-._~+/=]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BearerValue();
}
