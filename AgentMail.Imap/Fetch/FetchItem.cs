using System.Globalization;
using AgentMail.Imap.Protocol;
using AgentMail.Mime.Imap;

namespace AgentMail.Imap.Fetch;

public enum FetchItemKind
{
    Uid,
    Flags,
    InternalDate,
    Rfc822Size,
    Envelope,
    Body,
    BodyStructure,
    ModSeq,
    EmailId,
    ThreadId,

    /// <summary>BODY[section], BODY.PEEK[section], RFC822, RFC822.HEADER, RFC822.TEXT: bytes of the message.</summary>
    Section,

    /// <summary>BINARY[section] / BINARY.PEEK[section] (RFC 3516, RFC 9051): the decoded part.</summary>
    Binary,

    /// <summary>BINARY.SIZE[section].</summary>
    BinarySize,
}

/// <summary>One fetch-att (RFC 9051 §6.4.5), with the name its data is returned under.</summary>
public sealed record FetchItem(FetchItemKind Kind, string ResponseName, BodySection? Section = null, bool SetsSeen = false,
    long? PartialOffset = null, long? PartialLength = null)
{
    public static FetchItem Simple(FetchItemKind kind, string name) => new(kind, name);

    /// <summary>Parses one fetch-att; the macros ALL/FAST/FULL are handled by the caller.</summary>
    public static FetchItem Parse(ref ImapReader reader)
    {
        var nameBytes = reader.Take(IsNameChar, "a FETCH data item");
        Span<char> upper = stackalloc char[Math.Min(nameBytes.Length, 24)];
        if (nameBytes.Length > 24) throw new ImapSyntaxException("Unknown FETCH data item");
        Ascii.ToUpper(nameBytes, upper, out _);
        var hasSection = reader.Peek() == (byte)'[';
        switch (upper)
        {
            case "UID" when !hasSection: return Simple(FetchItemKind.Uid, "UID");
            case "FLAGS" when !hasSection: return Simple(FetchItemKind.Flags, "FLAGS");
            case "INTERNALDATE" when !hasSection: return Simple(FetchItemKind.InternalDate, "INTERNALDATE");
            case "RFC822.SIZE" when !hasSection: return Simple(FetchItemKind.Rfc822Size, "RFC822.SIZE");
            case "ENVELOPE" when !hasSection: return Simple(FetchItemKind.Envelope, "ENVELOPE");
            case "BODYSTRUCTURE" when !hasSection: return Simple(FetchItemKind.BodyStructure, "BODYSTRUCTURE");
            case "MODSEQ" when !hasSection: return Simple(FetchItemKind.ModSeq, "MODSEQ");
            case "EMAILID" when !hasSection: return Simple(FetchItemKind.EmailId, "EMAILID");
            case "THREADID" when !hasSection: return Simple(FetchItemKind.ThreadId, "THREADID");
            case "BODY" when !hasSection: return Simple(FetchItemKind.Body, "BODY");
            case "RFC822" when !hasSection: return new(FetchItemKind.Section, "RFC822", BodySection.Full, SetsSeen: true);
            case "RFC822.HEADER" when !hasSection: return new(FetchItemKind.Section, "RFC822.HEADER", new BodySection([], SectionKind.Header));
            case "RFC822.TEXT" when !hasSection: return new(FetchItemKind.Section, "RFC822.TEXT", new BodySection([], SectionKind.Text), SetsSeen: true);
            case "BODY" or "BODY.PEEK" when hasSection:
            {
                var section = ParseSection(ref reader);
                var (offset, length) = Partial(ref reader);
                return new(FetchItemKind.Section, ResponseNameOf("BODY", section, offset), section, SetsSeen: upper is "BODY", offset, length);
            }
            case "BINARY" or "BINARY.PEEK" when hasSection:
            {
                var section = ParseSection(ref reader);
                if (!section.IsBinarySection) throw new ImapSyntaxException("BINARY takes only a part number (RFC 3516)");
                var (offset, length) = Partial(ref reader);
                return new(FetchItemKind.Binary, ResponseNameOf("BINARY", section, offset), section, SetsSeen: upper is "BINARY", offset, length);
            }
            case "BINARY.SIZE" when hasSection:
            {
                var section = ParseSection(ref reader);
                if (!section.IsBinarySection) throw new ImapSyntaxException("BINARY.SIZE takes only a part number (RFC 3516)");
                return new(FetchItemKind.BinarySize, $"BINARY.SIZE[{section}]", section);
            }
            default:
                throw new ImapSyntaxException($"Unknown FETCH data item {Encoding.ASCII.GetString(nameBytes)}");
        }
    }

    private static bool IsNameChar(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-';

    private static string ResponseNameOf(string prefix, BodySection section, long? offset) =>
        offset is { } o ? string.Create(CultureInfo.InvariantCulture, $"{prefix}[{section}]<{o}>") : $"{prefix}[{section}]";

    /// <summary>"[" section-spec "]": read up to the closing bracket (outside quotes and literals), then parsed by AgentMail.Mime.</summary>
    private static BodySection ParseSection(ref ImapReader reader)
    {
        reader.Expect((byte)'[');
        var start = reader.Position;
        while (true)
        {
            if (reader.End) throw new ImapSyntaxException("Unterminated section: missing ']'");
            var b = reader.Peek();
            if (b == (byte)']') break;
            if (b == (byte)'"') reader.Quoted();
            else if (b == (byte)'{') reader.Literal(allowLiteral8: false); // inside HEADER.FIELDS; its data may hold ']'
            else reader.TryConsume(b);
            if (reader.Position - start > 16 * 1024) throw new ImapSyntaxException("Section too long");
        }
        var text = reader.Slice(start);
        reader.Expect((byte)']');
        if (!BodySection.TryParse(text, out var section)) throw new ImapSyntaxException("Invalid section specification");
        return section;
    }

    /// <summary>partial = "&lt;" number64 "." nz-number64 "&gt;".</summary>
    private static (long? Offset, long? Length) Partial(ref ImapReader reader)
    {
        if (!reader.TryConsume((byte)'<')) return (null, null);
        var offset = reader.Number64();
        reader.Expect((byte)'.');
        var length = reader.Number64();
        if (length == 0) throw new ImapSyntaxException("A partial length must not be 0");
        reader.Expect((byte)'>');
        return ((long)offset, (long)length);
    }
}
