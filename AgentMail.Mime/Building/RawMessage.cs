using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Building;

/// <summary>
/// Edits of raw messages that leave every other byte as it was: what the SMTP service needs
/// to add trace and missing fields and to strip Bcc before delivery. Only the top-level header
/// is looked at.
/// </summary>
public static class RawMessage
{
    /// <summary>True when the top-level header has a field of that name (ASCII case-insensitive).</summary>
    public static bool HasHeader(ReadOnlySpan<byte> message, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> nameBytes = stackalloc byte[Math.Min(name.Length, 256)];
        if (name.Length > 256 || !Ascii.IsValid(name)) return false;
        Encoding.ASCII.GetBytes(name, nameBytes);
        var reader = new HeaderFieldReader(message);
        while (reader.TryRead(out var field))
            if (field.NameIs(nameBytes)) return true;
        return false;
    }

    /// <summary>
    /// Writes <paramref name="fields"/> (folded, RFC 2047 where needed, in the message's own
    /// line-break style) followed by the message unchanged. Throws when a name is invalid or a
    /// value holds CR, LF or NUL.
    /// </summary>
    public static void Prepend(ReadOnlySpan<byte> message, IEnumerable<KeyValuePair<string, string>> fields, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(output);
        var formatter = new HeaderFormatter(output, LineBreakOf(message));
        foreach (var (name, value) in fields)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            if (name.Length is 0 or > 76 || name.Any(c => c is < '!' or > '~' or ':'))
                throw new ArgumentException($"Invalid header name '{name}'.", nameof(fields));
            if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
                throw new ArgumentException($"The value of {name} contains a line break or NUL.", nameof(fields));
            formatter.WriteText(name, value);
        }
        output.Write(message);
    }

    /// <summary>Writes the message without the top-level fields named in <paramref name="names"/> (e.g. Bcc), folds included.</summary>
    public static void WriteWithout(ReadOnlySpan<byte> message, IEnumerable<string> names, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(output);
        var drop = names.Where(n => Ascii.IsValid(n)).Select(n => Encoding.ASCII.GetBytes(n)).ToList();
        var copied = 0;
        var reader = new HeaderFieldReader(message);
        while (reader.TryRead(out var field))
        {
            var remove = false;
            foreach (var name in drop)
                if (field.NameIs(name)) { remove = true; break; }
            if (!remove) continue;
            output.Write(message[copied..field.Start]);
            copied = field.End;
        }
        output.Write(message[copied..]);
    }

    public static byte[] WithoutHeaders(ReadOnlySpan<byte> message, params string[] names)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length);
        WriteWithout(message, names, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] WithPrependedHeaders(ReadOnlySpan<byte> message, params KeyValuePair<string, string>[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 256);
        Prepend(message, fields, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The message's line break: CRLF unless its first line ends with a bare LF.</summary>
    private static string LineBreakOf(ReadOnlySpan<byte> message)
    {
        var lf = message.IndexOf((byte)'\n');
        return lf > 0 && message[lf - 1] != '\r' || lf == 0 ? "\n" : "\r\n";
    }
}
