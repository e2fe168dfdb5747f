using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace DriftWatch.Api.Security;

/// <summary>
/// One expected bearer token, compared in constant time. Hashing first makes the comparison independent of
/// the presented token's length. A missing token (not configured) refuses every request.
/// </summary>
internal sealed class BearerToken
{
    private const string Scheme = "Bearer ";
    private readonly byte[]? _hash;

    public BearerToken(string? token)
    {
        _hash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool IsConfigured => _hash is not null;

    /// <summary>Null when the request presents the token, else why not (safe to log and return).</summary>
    public string? Check(IHeaderDictionary headers)
    {
        if (_hash is null)
        {
            return "bearer token authentication is not configured";
        }

        var authorization = headers.Authorization.ToString();
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "missing bearer token";
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization.AsSpan(Scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _hash) ? null : "invalid bearer token";
    }
}
