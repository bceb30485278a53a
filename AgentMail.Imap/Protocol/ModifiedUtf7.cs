using System.Diagnostics.CodeAnalysis;

namespace AgentMail.Imap.Protocol;

/// <summary>
/// Modified UTF-7 for IMAP4rev1 mailbox names (RFC 3501 §5.1.3, RFC 9051 Appendix A.1):
/// printable ASCII except "&amp;" stands for itself, "&amp;" is "&amp;-", everything else is
/// UTF-16 in base64 with "," for "/" between "&amp;" and "-". Decoding is strict, as the RFC asks
/// of servers: no superfluous shifts, no encoded printable ASCII, no 8-bit bytes, no padding bits.
/// </summary>
public static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    private static readonly sbyte[] Values = BuildValues();

    public static string Encode(string name)
    {
        if (!NeedsEncoding(name)) return name;
        var output = new StringBuilder(name.Length + 16);
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c == '&')
            {
                output.Append("&-");
                i++;
            }
            else if (c >= 0x20 && c <= 0x7E)
            {
                output.Append(c);
                i++;
            }
            else
            {
                var start = i;
                while (i < name.Length && (name[i] < 0x20 || name[i] > 0x7E)) i++;
                output.Append('&');
                AppendBase64(output, name.AsSpan(start, i - start));
                output.Append('-');
            }
        }
        return output.ToString();
    }

    private static bool NeedsEncoding(string name)
    {
        foreach (var c in name)
        {
            if (c == '&' || c < 0x20 || c > 0x7E) return true;
        }
        return false;
    }

    private static void AppendBase64(StringBuilder output, ReadOnlySpan<char> units)
    {
        var bits = 0;
        var buffer = 0;
        foreach (var unit in units)
        {
            buffer = (buffer << 16) | unit;
            bits += 16;
            while (bits >= 6)
            {
                bits -= 6;
                output.Append(Alphabet[(buffer >> bits) & 0x3F]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) output.Append(Alphabet[(buffer << (6 - bits)) & 0x3F]);
    }

    /// <summary>Decodes a modified UTF-7 name; false (with a reason) when it is not valid modified UTF-7.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        var output = new StringBuilder(encoded.Length);
        var i = 0;
        var lastShiftEnd = -2;
        while (i < encoded.Length)
        {
            var b = encoded[i];
            if (b >= 0x80)
            {
                error = "8-bit characters must be encoded in modified UTF-7";
                return false;
            }
            if (b != (byte)'&')
            {
                if (b < 0x20 || b == 0x7F)
                {
                    error = "control characters are not allowed";
                    return false;
                }
                output.Append((char)b);
                i++;
                continue;
            }
            var shift = i++;
            if (i < encoded.Length && encoded[i] == (byte)'-')
            {
                output.Append('&');
                i++;
                continue;
            }
            if (lastShiftEnd == shift - 1)
            {
                error = "adjacent encoded sequences must be one sequence";
                return false;
            }
            var start = i;
            while (i < encoded.Length && encoded[i] != (byte)'-')
            {
                if (encoded[i] >= 0x80 || Values[encoded[i]] < 0)
                {
                    error = "invalid character in modified base64";
                    return false;
                }
                i++;
            }
            if (i == encoded.Length)
            {
                error = "an encoded sequence must end with '-'";
                return false;
            }
            if (!DecodeBase64(encoded[start..i], output, out error)) return false;
            i++; // the '-'
            lastShiftEnd = i - 1;
        }
        name = output.ToString();
        error = null;
        return true;
    }

    private static bool DecodeBase64(ReadOnlySpan<byte> text, StringBuilder output, [NotNullWhen(false)] out string? error)
    {
        var bits = 0;
        var buffer = 0;
        char? highSurrogate = null;
        var produced = 0;
        foreach (var b in text)
        {
            buffer = (buffer << 6) | (byte)Values[b];
            bits += 6;
            if (bits < 16) continue;
            bits -= 16;
            var unit = (char)((buffer >> bits) & 0xFFFF);
            buffer &= (1 << bits) - 1;
            produced++;
            if (highSurrogate is { } high)
            {
                if (!char.IsLowSurrogate(unit))
                {
                    error = "unpaired surrogate";
                    return false;
                }
                output.Append(high).Append(unit);
                highSurrogate = null;
                continue;
            }
            if (char.IsHighSurrogate(unit))
            {
                highSurrogate = unit;
                continue;
            }
            if (char.IsLowSurrogate(unit))
            {
                error = "unpaired surrogate";
                return false;
            }
            if (unit >= 0x20 && unit <= 0x7E)
            {
                error = "printable ASCII must not be encoded";
                return false;
            }
            output.Append(unit);
        }
        if (produced == 0)
        {
            error = "empty encoded sequence";
            return false;
        }
        if (highSurrogate is not null)
        {
            error = "unpaired surrogate";
            return false;
        }
        if (bits >= 6 || buffer != 0)
        {
            error = "superfluous bits at the end of an encoded sequence";
            return false;
        }
        error = null;
        return true;
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[256];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++) values[Alphabet[i]] = (sbyte)i;
        return values;
    }
}
