namespace AgentMail.Mime.Headers;

/// <summary>
/// Date-time values per RFC 5322 §3.3 and the obsolete forms of §4.3: optional day of week,
/// two- and three-digit years (00-49 → 20xx, 50-999 → +1900), optional seconds, comments
/// anywhere, and the obsolete zones (UT, GMT, the US zones; military letters mean -0000 as §4.3
/// says). Also tolerated: missing zone (-0000), ctime order ("Fri Feb 22 17:06:23 2008"),
/// one-digit hours, AM/PM and a few common non-RFC zone names. Returns null when no sensible
/// date can be found. Never throws.
/// </summary>
public static class DateParser
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, int> ZoneMinutes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0,
        ["EST"] = -5 * 60, ["EDT"] = -4 * 60, ["CST"] = -6 * 60, ["CDT"] = -5 * 60,
        ["MST"] = -7 * 60, ["MDT"] = -6 * 60, ["PST"] = -8 * 60, ["PDT"] = -7 * 60,
        // Not RFC 5322, but common enough in the wild to be worth knowing.
        ["BST"] = 60, ["CET"] = 60, ["CEST"] = 120, ["MET"] = 60, ["MEST"] = 120, ["EET"] = 120,
        ["EEST"] = 180, ["WET"] = 0, ["WEST"] = 60, ["JST"] = 9 * 60, ["KST"] = 9 * 60,
        ["HKT"] = 8 * 60, ["AEST"] = 10 * 60, ["AEDT"] = 11 * 60, ["NZST"] = 12 * 60, ["NZDT"] = 13 * 60,
        ["AKST"] = -9 * 60, ["AKDT"] = -8 * 60, ["HST"] = -10 * 60,
    };

    public static DateTimeOffset? Parse(string? value) => value is null ? null : Parse(Encoding.UTF8.GetBytes(value));

    public static DateTimeOffset? Parse(ReadOnlySpan<byte> value)
    {
        int day = -1, month = -1, year = -1, hour = -1, minute = -1, second = 0;
        int? zone = null;
        var pm = 0; // 1 = AM, 2 = PM
        var i = 0;
        var depth = 0;
        while (i < value.Length)
        {
            var b = value[i];
            if (b == '(') { depth++; i++; continue; }
            if (b == ')') { if (depth > 0) depth--; i++; continue; }
            if (depth > 0) { if (b == '\\') i++; i++; continue; }

            if (IsDigit(b))
            {
                var start = i;
                while (i < value.Length && IsDigit(value[i])) i++;
                var digits = value[start..i];
                if (i < value.Length && value[i] == ':' && hour < 0 && digits.Length <= 2)
                {
                    // h:mm[:ss]
                    hour = Number(digits);
                    i++;
                    var ms = i;
                    while (i < value.Length && IsDigit(value[i])) i++;
                    if (i - ms is < 1 or > 2) return null;
                    minute = Number(value[ms..i]);
                    if (i < value.Length && value[i] == ':')
                    {
                        i++;
                        var ss = i;
                        while (i < value.Length && IsDigit(value[i])) i++;
                        if (i - ss is >= 1 and <= 2) second = Number(value[ss..i]);
                    }
                    continue;
                }
                var sign = start > 0 ? value[start - 1] : (byte)0;
                if ((sign is (byte)'+' or (byte)'-') && digits.Length == 4 && hour >= 0 && zone is null)
                {
                    var hh = Number(digits[..2]);
                    var mm = Number(digits[2..]);
                    if (mm >= 60) return null;
                    var minutes = hh * 60 + mm;
                    zone = minutes > 14 * 60 ? 0 : sign == '-' ? -minutes : minutes;
                    continue;
                }
                if (digits.Length > 4) continue;
                var number = Number(digits);
                if (day < 0 && digits.Length <= 2 && year < 0) day = number;
                else if (year < 0 && (digits.Length >= 3 || (day >= 0 && month >= 0))) year = YearOf(number, digits.Length);
                else if (day < 0 && digits.Length <= 2) day = number;
                continue;
            }

            if (IsLetter(b))
            {
                var start = i;
                while (i < value.Length && IsLetter(value[i])) i++;
                var word = value[start..i];
                if (word.Length >= 3 && month < 0 && MonthOf(word) is var m and >= 0) { month = m; continue; }
                if (word.Length == 2 && (word[0] | 0x20) is (byte)'a' or (byte)'p' && (word[1] | 0x20) == 'm') { pm = (word[0] | 0x20) == 'p' ? 2 : 1; continue; }
                if (zone is null && hour >= 0)
                {
                    var name = Encoding.ASCII.GetString(word);
                    if (ZoneMinutes.TryGetValue(name, out var z)) zone = z;
                    else if (word.Length == 1 && (word[0] | 0x20) != 'j') zone = 0; // military: -0000 (§4.3)
                }
                continue;
            }
            i++;
        }

        if (day < 1 || month < 0 || year < 0 || day > 31) return null;
        if (hour < 0) { hour = 0; minute = 0; }
        if (pm == 2 && hour < 12) hour += 12;
        else if (pm == 1 && hour == 12) hour = 0;
        if (hour > 23 || minute > 59 || second > 60) return null;
        if (second == 60) second = 59; // leap second
        if (year is < 1 or > 9999 || day > DateTime.DaysInMonth(year, month + 1)) return null;
        return new DateTimeOffset(year, month + 1, day, hour, minute, second, TimeSpan.FromMinutes(zone ?? 0));
    }

    private static int YearOf(int number, int digitCount) => digitCount switch
    {
        <= 2 => number < 50 ? 2000 + number : 1900 + number,
        3 => 1900 + number,
        _ => number,
    };

    private static int MonthOf(ReadOnlySpan<byte> word)
    {
        for (var m = 0; m < 12; m++)
            if ((word[0] | 0x20) == Months[m][0] && (word[1] | 0x20) == Months[m][1] && (word[2] | 0x20) == Months[m][2])
                return m;
        return -1;
    }

    private static int Number(ReadOnlySpan<byte> digits)
    {
        var n = 0;
        foreach (var d in digits) n = n * 10 + (d - '0');
        return n;
    }

    private static bool IsDigit(byte b) => AsciiChars.IsDigit(b);

    private static bool IsLetter(byte b) => AsciiChars.IsLetter(b);
}
