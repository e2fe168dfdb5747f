using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DriftWatch.Api.Webhooks;

/// <summary>
/// Reads Grafana's webhook contact point payload (version "1") and Alertmanager's webhook payload
/// (version "4"). Both carry <c>alerts[]</c> with status, labels, annotations, startsAt and fingerprint;
/// the rest (orgId, title, groupKey, ...) is not needed to plan a rollback and is ignored.
/// </summary>
internal static class AlertPayloadParser
{
    private const int MaxAlerts = 1000;

    public static bool TryParse(ReadOnlyMemory<byte> body, AlertSource source, out AlertNotification? notification, out string? error)
    {
        notification = null;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            return TryRead(document.RootElement, source, out notification, out error);
        }
        catch (JsonException ex)
        {
            error = $"body is not valid JSON: {ex.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, AlertSource source, out AlertNotification? notification, out string? error)
    {
        notification = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "body must be a JSON object";
            return false;
        }

        if (root.TryGetProperty("version", out var version))
        {
            var expected = source == AlertSource.Alertmanager ? "4" : "1";
            if (version.ValueKind != JsonValueKind.String || version.GetString() != expected)
            {
                error = $"unsupported payload version {version}; expected \"{expected}\"";
                return false;
            }
        }

        if (!root.TryGetProperty("alerts", out var alertsElement) || alertsElement.ValueKind != JsonValueKind.Array)
        {
            error = "'alerts' must be an array";
            return false;
        }

        var count = alertsElement.GetArrayLength();
        if (count == 0 || count > MaxAlerts)
        {
            error = $"'alerts' must hold 1 to {MaxAlerts} alerts, got {count}";
            return false;
        }

        var alerts = new List<ReceivedAlert>(count);
        var index = 0;
        foreach (var element in alertsElement.EnumerateArray())
        {
            if (!TryReadAlert(element, out var alert, out var alertError))
            {
                error = $"alerts[{index}]: {alertError}";
                return false;
            }

            alerts.Add(alert!);
            index++;
        }

        var receiver = root.TryGetProperty("receiver", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        notification = new AlertNotification(source, receiver, alerts);
        error = null;
        return true;
    }

    private static bool TryReadAlert(JsonElement element, out ReceivedAlert? alert, out string? error)
    {
        alert = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "must be an object";
            return false;
        }

        var status = element.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (status is not ("firing" or "resolved"))
        {
            error = "'status' must be \"firing\" or \"resolved\"";
            return false;
        }

        if (!TryReadStrings(element, "labels", required: true, out var labels, out error)
            || !TryReadStrings(element, "annotations", required: false, out var annotations, out error))
        {
            return false;
        }

        if (!element.TryGetProperty("startsAt", out var startsElement)
            || startsElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(startsElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var startsAt))
        {
            error = "'startsAt' must be an RFC 3339 time";
            return false;
        }

        var fingerprint = element.TryGetProperty("fingerprint", out var f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()
            : null;
        if (string.IsNullOrEmpty(fingerprint))
        {
            fingerprint = FingerprintOf(labels!);
        }

        alert = new ReceivedAlert(status == "firing", labels!, annotations!, startsAt, fingerprint);
        error = null;
        return true;
    }

    private static bool TryReadStrings(
        JsonElement element,
        string name,
        bool required,
        out IReadOnlyDictionary<string, string>? values,
        out string? error)
    {
        values = null;
        error = null;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                error = $"'{name}' is required";
                return false;
            }

            values = new Dictionary<string, string>();
            return true;
        }

        if (property.ValueKind != JsonValueKind.Object)
        {
            error = $"'{name}' must be an object of strings";
            return false;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in property.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                error = $"'{name}.{item.Name}' must be a string";
                return false;
            }

            result[item.Name] = item.Value.GetString()!;
        }

        values = result;
        return true;
    }

    // Senders older than the fingerprint field: a stable hash of the sorted label set identifies the series.
    private static string FingerprintOf(IReadOnlyDictionary<string, string> labels)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in labels.OrderBy(static l => l.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('\u0001').Append(value).Append('\u0002');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash, 0, 8);
    }
}
