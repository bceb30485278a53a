using System.Text.RegularExpressions;

namespace AgentMail.Tests.Mime.Support;

/// <summary>
/// Splits an mbox file into messages. A separator is a line starting with "From " whose next
/// line is a header field and whose sender token is "-", holds an '@', or which ends with a
/// ctime-like date: so an unescaped "From Russia with love" inside a body is not one. The
/// separator line itself is not part of the message; a leading UTF-8 BOM is skipped.
/// </summary>
internal static partial class MboxReader
{
    public static List<byte[]> Split(byte[] mbox)
    {
        var data = mbox.AsSpan();
        if (data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) data = data[3..];
        var starts = new List<(int Line, int Content)>();
        var position = 0;
        while (position < data.Length)
        {
            var lf = data[position..].IndexOf((byte)'\n');
            var end = lf < 0 ? data.Length : position + lf + 1;
            if (IsSeparator(data, position, end)) starts.Add((position, end));
            position = end;
        }
        var messages = new List<byte[]>();
        for (var i = 0; i < starts.Count; i++)
        {
            var stop = i + 1 < starts.Count ? starts[i + 1].Line : data.Length;
            messages.Add(data[starts[i].Content..stop].ToArray());
        }
        return messages;
    }

    private static bool IsSeparator(ReadOnlySpan<byte> data, int start, int end)
    {
        var line = System.Text.Encoding.Latin1.GetString(data[start..end]).TrimEnd('\r', '\n');
        if (!line.StartsWith("From ", StringComparison.Ordinal)) return false;
        var rest = line[5..].Trim();
        var sender = rest.Split(' ', 2)[0];
        if (!(rest.Length == 0 || sender == "-" || sender.Contains('@') || CtimeDate().IsMatch(rest))) return false;
        if (end >= data.Length) return false;
        var nextEnd = data[end..].IndexOf((byte)'\n');
        var next = System.Text.Encoding.Latin1.GetString(nextEnd < 0 ? data[end..] : data.Slice(end, nextEnd));
        return HeaderLine().IsMatch(next);
    }

    [GeneratedRegex(@"\d\d:\d\d(:\d\d)? \d{4}\s*$")]
    private static partial Regex CtimeDate();

    [GeneratedRegex(@"^[!-9;-~]+:")]
    private static partial Regex HeaderLine();
}
