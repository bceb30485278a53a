namespace AgentMail.Mime.Summary;

/// <summary>RFC 3676 format=flowed decoding, for display and search.</summary>
public static class FlowedText
{
    /// <summary>
    /// Joins soft-broken lines (a line ending in a space, other than the "-- " signature
    /// separator) with the next line of the same quote depth; removes space-stuffing; with
    /// DelSp=yes the space before each soft break is deleted (§4.2). Lines end with "\n".
    /// </summary>
    public static string Decode(string text, bool delSp)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new StringBuilder(text.Length);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var paragraphDepth = -1;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            if (index == lines.Length - 1 && line.Length == 0) break; // text ended with a line break
            var depth = 0;
            while (depth < line.Length && line[depth] == '>') depth++;
            var content = line[depth..];
            if (content.StartsWith(' ')) content = content[1..];   // space-stuffing (§4.4)
            var flowed = content.EndsWith(' ') && content != "-- ";
            if (flowed && delSp) content = content[..^1];

            if (paragraphDepth != depth)
            {
                if (paragraphDepth >= 0) output.Append('\n');
                if (depth > 0) output.Append('>', depth).Append(' ');
            }
            output.Append(content);
            if (flowed && index + 1 < lines.Length)
            {
                paragraphDepth = depth;
                continue;
            }
            output.Append('\n');
            paragraphDepth = -1;
        }
        if (paragraphDepth >= 0) output.Append('\n');
        return output.ToString();
    }
}
