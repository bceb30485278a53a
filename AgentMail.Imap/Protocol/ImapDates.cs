using System.Globalization;

namespace AgentMail.Imap.Protocol;

/// <summary>IMAP date and date-time (RFC 9051 §9: date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE).</summary>
public static class ImapDates
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        // " 1-Jan-2024 10:00:00 +0000" or "01-Jan-2024 10:00:00 +0000"; accept a 1-digit day too.
        var s = Encoding.ASCII.GetString(text);
        if (s.Length > 0 && s[0] == ' ') s = s[1..];
        var parts = s.Split(' ');
        if (parts.Length != 3 || !TryParseDate(Encoding.ASCII.GetBytes(parts[0]), out var date)) return false;
        var time = parts[1];
        if (time.Length != 8 || time[2] != ':' || time[5] != ':'
            || !int.TryParse(time.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(time.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            || !int.TryParse(time.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var second)
            || hour > 23 || minute > 59 || second > 60)
            return false;
        var zone = parts[2];
        if (zone.Length != 5 || zone[0] is not ('+' or '-')
            || !int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zoneHours)
            || !int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zoneMinutes)
            || zoneHours > 14 || zoneMinutes > 59)
            return false;
        var offset = new TimeSpan(zoneHours, zoneMinutes, 0);
        if (zone[0] == '-') offset = -offset;
        try
        {
            value = new DateTimeOffset(date.Year, date.Month, date.Day, hour, minute, Math.Min(second, 59), offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static bool TryParseDate(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        var s = Encoding.ASCII.GetString(text);
        var parts = s.Split('-');
        if (parts.Length != 3 || parts[0].Length is < 1 or > 2 || parts[2].Length != 4) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var day)) return false;
        var month = Array.FindIndex(Months, m => m.Equals(parts[1], StringComparison.OrdinalIgnoreCase)) + 1;
        if (month == 0 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < 1) return false;
        if (day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>"dd-Mon-yyyy hh:mm:ss +zzzz" (day space-padded, as RFC 9051's date-day-fixed).</summary>
    public static string FormatDateTime(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"{value.Day,2}-{Months[value.Month - 1]}-{value.Year:D4} {value.Hour:D2}:{value.Minute:D2}:{value.Second:D2} {sign}{offset.Hours:D2}{offset.Minutes:D2}");
    }
}
