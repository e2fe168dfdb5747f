using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Webhooks;
using Microsoft.AspNetCore.Http;

namespace DriftWatch.Api.Security;

/// <summary>
/// Decides whether a webhook request comes from the configured sender. Grafana requests pass with a valid
/// HMAC-SHA256 signature (of <c>timestamp:body</c> when a timestamp header is configured, else of the body)
/// or with the bearer token; Alertmanager requests pass with the bearer token. Comparisons are constant-time.
/// Never puts a secret, a signature or a token into its answers.
/// </summary>
internal sealed class WebhookAuthenticator
{
    private readonly byte[]? _hmacKey;
    private readonly BearerToken _token;
    private readonly DriftWatchApiOptions _options;
    private readonly TimeProvider _time;

    public WebhookAuthenticator(DriftWatchApiOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _hmacKey = string.IsNullOrEmpty(options.GrafanaHmacSecret) ? null : Encoding.UTF8.GetBytes(options.GrafanaHmacSecret);
        _token = new BearerToken(options.BearerToken);
    }

    /// <summary>Null when the request is authentic, else why it is not (safe to log and return).</summary>
    public string? Check(AlertSource source, IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        if (source == AlertSource.Grafana && _hmacKey is not null)
        {
            if (headers.ContainsKey(_options.GrafanaSignatureHeader))
            {
                return CheckSignature(headers, body);
            }

            if (!_token.IsConfigured || !headers.ContainsKey("Authorization"))
            {
                return $"missing {_options.GrafanaSignatureHeader} header";
            }
        }

        return _token.Check(headers);
    }

    private string? CheckSignature(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        var header = headers[_options.GrafanaSignatureHeader].ToString().Trim();
        if (header.Length == 0)
        {
            return $"missing {_options.GrafanaSignatureHeader} header";
        }

        if (header.Length != 64 || !TryFromHex(header, out var presented))
        {
            return "malformed signature";
        }

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _hmacKey!);
        if (_options.GrafanaTimestampHeader is { Length: > 0 } timestampHeader)
        {
            var timestamp = headers[timestampHeader].ToString().Trim();
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return $"missing or malformed {timestampHeader} header";
            }

            var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
            if (age.Duration() > _options.GrafanaTimestampTolerance)
            {
                return "stale signature timestamp";
            }

            hmac.AppendData(Encoding.ASCII.GetBytes(timestamp));
            hmac.AppendData(":"u8);
        }

        hmac.AppendData(body);
        Span<byte> expected = stackalloc byte[32];
        hmac.GetHashAndReset(expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? null : "invalid signature";
    }

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
