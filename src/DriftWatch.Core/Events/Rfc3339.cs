using System.Globalization;

namespace DriftWatch.Core.Events;

/// <summary>
/// RFC 3339 date-times (<c>2026-03-02T08:00:00.780Z</c>, <c>2026-03-02T09:00:00+01:00</c>), read straight
/// from UTF-8 so the hot path allocates nothing. DateTimeOffset.TryParse is not used because it accepts
/// many non-RFC 3339 shapes (no offset, local time, culture formats) that the contract forbids.
/// </summary>
internal static class Rfc3339
{
    /// <summary>Longest accepted text; fractions beyond 100 ns are truncated but still bounded.</summary>
    internal const int MaxLength = 64;

    /// <summary>Parses <paramref name="s"/>; on failure returns false and a short reason.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value, out string? reason)
    {
        value = default;
        reason = "must be an RFC 3339 date-time with an offset or Z, e.g. 2026-03-02T08:00:00.780Z";
        // yyyy-MM-ddTHH:mm:ss is 19 bytes; the shortest valid form adds "Z".
        if (s.Length < 20 || s.Length > MaxLength)
        {
            return false;
        }

        if (!TryDigits(s, 0, 4, out int year) || s[4] != (byte)'-' ||
            !TryDigits(s, 5, 2, out int month) || s[7] != (byte)'-' ||
            !TryDigits(s, 8, 2, out int day) || (s[10] | 0x20) != (byte)'t' ||
            !TryDigits(s, 11, 2, out int hour) || s[13] != (byte)':' ||
            !TryDigits(s, 14, 2, out int minute) || s[16] != (byte)':' ||
            !TryDigits(s, 17, 2, out int second))
        {
            return false;
        }

        int i = 19;
        long fractionTicks = 0;
        if (s[i] == (byte)'.')
        {
            i++;
            int start = i;
            long scale = TimeSpan.TicksPerSecond / 10;
            while (i < s.Length && IsDigit(s[i]))
            {
                fractionTicks += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= s.Length)
        {
            return false;
        }

        int offsetMinutes;
        if ((s[i] | 0x20) == (byte)'z')
        {
            offsetMinutes = 0;
            i++;
        }
        else if (s[i] is (byte)'+' or (byte)'-')
        {
            int sign = s[i] == (byte)'-' ? -1 : 1;
            if (s.Length - i != 6 || !TryDigits(s, i + 1, 2, out int offH) || s[i + 3] != (byte)':' ||
                !TryDigits(s, i + 4, 2, out int offM) || offM > 59)
            {
                return false;
            }

            offsetMinutes = sign * ((offH * 60) + offM);
            i += 6;
        }
        else
        {
            return false;
        }

        if (i != s.Length)
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            reason = second == 60
                ? "leap seconds (:60) are not supported; use :59.999"
                : "is not a valid calendar date and time";
            return false;
        }

        // DateTimeOffset cannot represent offsets beyond ±14:00.
        if (Math.Abs(offsetMinutes) > 14 * 60)
        {
            reason = "offset must be within -14:00 and +14:00";
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        long utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            reason = "is outside the representable range";
            return false;
        }

        value = new DateTimeOffset(local, offset);
        reason = null;
        return true;
    }

    /// <summary>
    /// Formats as UTC with milliseconds (<c>2026-03-02T08:00:00.780Z</c>); digits beyond milliseconds are
    /// written only when present, so formatting then parsing gives back the same instant.
    /// </summary>
    internal static int Format(DateTimeOffset value, Span<byte> destination)
    {
        DateTime utc = value.UtcDateTime;
        string format = utc.Ticks % TimeSpan.TicksPerMillisecond == 0 ? MillisecondFormat : TickFormat;
        return utc.TryFormat(destination, out int written, format, CultureInfo.InvariantCulture)
            ? written
            : throw new ArgumentException("Destination is too small for an RFC 3339 date-time.", nameof(destination));
    }

    private const string MillisecondFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";
    private const string TickFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'FFFFFFF'Z'";

    private static bool TryDigits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            if (!IsDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
