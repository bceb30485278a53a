using AgentMail.Mime.Encodings;

namespace AgentMail.Mime.Serialization;

/// <summary>
/// The stored form of a <see cref="MessageStructure"/>: "AMS" + a version byte, then the
/// tree with offsets as LEB128 varints (header offset absolute, the rest as lengths) and
/// strings as UTF-8. Version 1 is the only one so far; a reader refuses versions it does not
/// know, so a change of format is a new version number and a reader for the old ones.
/// </summary>
internal static class StructureSerializer
{
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "AMS"u8;
    private const int MaxItems = 1_000_000;

    public static byte[] Serialize(MessageStructure structure)
    {
        var w = new StructureWriter();
        foreach (var b in Magic) w.Byte(b);
        w.Byte(Version);
        w.VarInt(structure.Size);
        w.Byte(structure.LimitsExceeded ? (byte)1 : (byte)0);
        WriteEnvelope(w, structure.Envelope);
        WritePart(w, structure.Root, 0);
        return w.Written.ToArray();
    }

    public static MessageStructure Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || !data[..3].SequenceEqual(Magic)) throw StructureReader.Corrupt();
        if (data[3] != Version) throw new FormatException($"Unknown message structure version {data[3]}.");
        var r = new StructureReader(data[4..]);
        var size = r.Long();
        var limits = (r.Byte() & 1) != 0;
        var envelope = ReadEnvelope(ref r);
        var root = ReadPart(ref r, 0);
        if (!r.AtEnd) throw StructureReader.Corrupt();
        return new MessageStructure(size, envelope, root, limits);
    }

    private static void WritePart(StructureWriter w, MimePart part, int depth)
    {
        if (depth > MimeParserOptions.MaxSupportedDepth * 2 + 2) throw new InvalidOperationException("Structure too deep.");
        w.Byte((byte)part.Kind);
        w.VarInt(part.HeaderOffset);
        w.VarInt(part.BodyOffset - part.HeaderOffset);
        w.VarInt(part.EndOffset - part.BodyOffset);
        w.VarInt(part.Lines);
        w.VarInt(part.DecodedSize);
        w.VarInt(part.BinarySize);
        w.String(part.ContentType.MediaType);
        w.String(part.ContentType.MediaSubtype);
        WriteParameters(w, part.ContentType.Parameters);
        if (part.ContentDisposition is { } disposition)
        {
            w.Byte(1);
            w.String(disposition.Disposition);
            WriteParameters(w, disposition.Parameters);
        }
        else
        {
            w.Byte(0);
        }
        w.String(part.ContentId);
        w.String(part.ContentDescription);
        w.String(part.ContentTransferEncoding);
        w.String(part.ContentLocation);
        w.String(part.ContentMd5);
        w.VarInt((ulong)part.ContentLanguage.Count);
        foreach (var language in part.ContentLanguage) w.String(language);
        switch (part.Kind)
        {
            case MimePartKind.Multipart:
                w.VarInt((ulong)part.Children.Count);
                foreach (var child in part.Children) WritePart(w, child, depth + 1);
                break;
            case MimePartKind.Message:
                WriteEnvelope(w, part.Message!.Envelope);
                WritePart(w, part.Message.Root, depth + 1);
                break;
        }
    }

    private static MimePart ReadPart(ref StructureReader r, int depth)
    {
        if (depth > MimeParserOptions.MaxSupportedDepth * 2 + 2) throw StructureReader.Corrupt();
        var kind = (MimePartKind)r.Byte();
        if (kind > MimePartKind.Message) throw StructureReader.Corrupt();
        var headerOffset = r.Long();
        var bodyOffset = checked(headerOffset + r.Long());
        var endOffset = checked(bodyOffset + r.Long());
        var lines = r.Long();
        var decoded = r.Long();
        var binary = r.Long();
        var type = new ContentType(r.RequiredString(), r.RequiredString(), ReadParameters(ref r));
        ContentDisposition? disposition = null;
        if (r.Byte() == 1) disposition = new ContentDisposition(r.RequiredString(), ReadParameters(ref r));
        var contentId = r.String();
        var description = r.String();
        var encoding = r.String();
        var location = r.String();
        var md5 = r.String();
        var languageCount = r.Count(MaxItems);
        var languages = languageCount == 0 ? [] : new string[languageCount];
        for (var i = 0; i < languageCount; i++) languages[i] = r.RequiredString();

        IReadOnlyList<MimePart> children = [];
        EmbeddedMessage? message = null;
        if (kind == MimePartKind.Multipart)
        {
            var count = r.Count(MaxItems);
            var list = new MimePart[count];
            for (var i = 0; i < count; i++) list[i] = ReadPart(ref r, depth + 1);
            children = list;
        }
        else if (kind == MimePartKind.Message)
        {
            var envelope = ReadEnvelope(ref r);
            message = new EmbeddedMessage(envelope, ReadPart(ref r, depth + 1));
        }

        return new MimePart
        {
            Kind = kind,
            HeaderOffset = headerOffset,
            BodyOffset = bodyOffset,
            EndOffset = endOffset,
            Lines = lines,
            DecodedSize = decoded,
            BinarySize = binary,
            ContentType = type,
            ContentDisposition = disposition,
            ContentId = contentId,
            ContentDescription = description,
            ContentTransferEncoding = encoding,
            TransferEncoding = TransferEncodings.Parse(encoding),
            ContentLocation = location,
            ContentMd5 = md5,
            ContentLanguage = languages,
            Children = children,
            Message = message,
        };
    }

    private static void WriteParameters(StructureWriter w, IReadOnlyList<MimeParameter> parameters)
    {
        w.VarInt((ulong)parameters.Count);
        foreach (var p in parameters)
        {
            w.String(p.Name);
            w.String(p.Value);
            w.Byte(p.Rfc2231Encoded ? (byte)1 : (byte)0);
            w.String(p.Language);
        }
    }

    private static IReadOnlyList<MimeParameter> ReadParameters(ref StructureReader r)
    {
        var count = r.Count(MaxItems);
        if (count == 0) return [];
        var list = new MimeParameter[count];
        for (var i = 0; i < count; i++)
            list[i] = new MimeParameter(r.RequiredString(), r.RequiredString(), (r.Byte() & 1) != 0, r.String());
        return list;
    }

    private static void WriteEnvelope(StructureWriter w, Envelope e)
    {
        w.String(e.Date);
        w.String(e.Subject);
        WriteAddresses(w, e.From);
        WriteAddresses(w, e.Sender);
        WriteAddresses(w, e.ReplyTo);
        WriteAddresses(w, e.To);
        WriteAddresses(w, e.Cc);
        WriteAddresses(w, e.Bcc);
        w.String(e.InReplyTo);
        w.String(e.MessageId);
    }

    private static Envelope ReadEnvelope(ref StructureReader r) => new(
        r.String(), r.String(),
        ReadAddresses(ref r), ReadAddresses(ref r), ReadAddresses(ref r),
        ReadAddresses(ref r), ReadAddresses(ref r), ReadAddresses(ref r),
        r.String(), r.String());

    private static void WriteAddresses(StructureWriter w, IReadOnlyList<EnvelopeAddress>? addresses)
    {
        if (addresses is null)
        {
            w.VarInt(0UL);
            return;
        }
        w.VarInt((ulong)addresses.Count + 1);
        foreach (var a in addresses)
        {
            w.String(a.Name);
            w.String(a.Route);
            w.String(a.Mailbox);
            w.String(a.Host);
        }
    }

    private static IReadOnlyList<EnvelopeAddress>? ReadAddresses(ref StructureReader r)
    {
        var prefix = r.Count(MaxItems + 1);
        if (prefix == 0) return null;
        var list = new EnvelopeAddress[prefix - 1];
        for (var i = 0; i < list.Length; i++) list[i] = new EnvelopeAddress(r.String(), r.String(), r.String(), r.String());
        return list;
    }
}
