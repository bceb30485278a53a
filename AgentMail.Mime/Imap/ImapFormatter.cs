namespace AgentMail.Mime.Imap;

/// <summary>
/// Renders ENVELOPE, BODYSTRUCTURE and BODY (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2) from a
/// stored structure. The output is the parenthesized value only (no "ENVELOPE " prefix).
/// </summary>
public static class ImapFormatter
{
    /// <summary>
    /// A multipart with no parts is not expressible (body-type-mpart = 1*body); like other
    /// servers we show one empty text/plain part in its place.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyPart => "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0"u8;

    public static void WriteEnvelope(Envelope envelope, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(output);
        var w = new ImapWriter(output);
        WriteEnvelope(w, envelope);
    }

    /// <summary>BODYSTRUCTURE: with extension data (MD5, disposition, language, location).</summary>
    public static void WriteBodyStructure(MessageStructure structure, IBufferWriter<byte> output, ImapDialect dialect = ImapDialect.Imap4rev2)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(output);
        WritePart(new ImapWriter(output), structure.Root, extensible: true, dialect);
    }

    /// <summary>BODY: the non-extensible form of BODYSTRUCTURE.</summary>
    public static void WriteBody(MessageStructure structure, IBufferWriter<byte> output, ImapDialect dialect = ImapDialect.Imap4rev2)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(output);
        WritePart(new ImapWriter(output), structure.Root, extensible: false, dialect);
    }

    public static byte[] GetEnvelope(Envelope envelope) => Render(b => WriteEnvelope(envelope, b));

    public static byte[] GetBodyStructure(MessageStructure structure, ImapDialect dialect = ImapDialect.Imap4rev2) =>
        Render(b => WriteBodyStructure(structure, b, dialect));

    public static byte[] GetBody(MessageStructure structure, ImapDialect dialect = ImapDialect.Imap4rev2) =>
        Render(b => WriteBody(structure, b, dialect));

    private static byte[] Render(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WritePart(ImapWriter w, MimePart part, bool extensible, ImapDialect dialect)
    {
        w.Byte((byte)'(');
        var type = part.ContentType;
        if (part.Kind == MimePartKind.Multipart)
        {
            if (part.Children.Count == 0)
            {
                w.Raw(EmptyPart);
                if (extensible) w.Raw(" NIL NIL NIL NIL"u8);
                w.Byte((byte)')');
            }
            foreach (var child in part.Children) WritePart(w, child, extensible, dialect);
            w.Space();
            w.String(type.MediaSubtype);
            if (extensible)
            {
                w.Space();
                WriteParameters(w, type.Parameters, addDefaultCharset: false);
                WriteExtensionTail(w, part);
            }
            w.Byte((byte)')');
            return;
        }

        var message = part.Message;
        var asMessage = message is not null && type.IsMessage &&
            (dialect == ImapDialect.Imap4rev2 || type.MediaSubtype.Equals("rfc822", StringComparison.OrdinalIgnoreCase));
        var isRfc822 = type.Is("message", "rfc822");
        if (!asMessage && (isRfc822 || type.IsMultipart || (type.IsMessage && dialect == ImapDialect.Imap4rev2)))
        {
            // Never claim a structure we do not show: body-type-basic forbids MESSAGE/RFC822
            // (and MESSAGE/GLOBAL in RFC 9051; RFC 3501 knows no message/global, so it is basic there).
            type = ContentType.OpaqueOf(type);
        }

        w.String(type.MediaType);
        w.Space();
        w.String(type.MediaSubtype);
        w.Space();
        WriteParameters(w, type.Parameters, addDefaultCharset: type.IsText);
        w.Space();
        w.NString(part.ContentId);
        w.Space();
        w.NString(part.ContentDescription);
        w.Space();
        if (part.ContentTransferEncoding is { } encoding) w.String(encoding);
        else w.Raw("\"7BIT\""u8);
        w.Space();
        w.Number(part.Size);
        if (asMessage)
        {
            w.Space();
            WriteEnvelope(w, message!.Envelope);
            w.Space();
            WritePart(w, message.Root, extensible, dialect);
            w.Space();
            w.Number(part.Lines);
        }
        else if (type.IsText)
        {
            w.Space();
            w.Number(part.Lines);
        }
        if (extensible)
        {
            w.Space();
            w.NString(part.ContentMd5);
            WriteExtensionTail(w, part);
        }
        w.Byte((byte)')');
    }

    /// <summary>body-fld-dsp SP body-fld-lang SP body-fld-loc.</summary>
    private static void WriteExtensionTail(ImapWriter w, MimePart part)
    {
        w.Space();
        if (part.ContentDisposition is { } disposition)
        {
            w.Byte((byte)'(');
            w.String(disposition.Disposition);
            w.Space();
            WriteParameters(w, disposition.Parameters, addDefaultCharset: false);
            w.Byte((byte)')');
        }
        else
        {
            w.Nil();
        }
        w.Space();
        var languages = part.ContentLanguage;
        if (languages.Count == 0) w.Nil();
        else if (languages.Count == 1) w.String(languages[0]);
        else
        {
            w.Byte((byte)'(');
            for (var i = 0; i < languages.Count; i++)
            {
                if (i > 0) w.Space();
                w.String(languages[i]);
            }
            w.Byte((byte)')');
        }
        w.Space();
        w.NString(part.ContentLocation);
    }

    /// <summary>
    /// body-fld-param. Text parts without a charset get RFC 2045's default (US-ASCII). A value
    /// that arrived RFC 2231-encoded and is not ASCII is sent as name*="utf-8'lang'%XX..." as
    /// RFC 9051 §7.5.2 suggests, keeping the response ASCII for IMAP4rev1 clients.
    /// </summary>
    private static void WriteParameters(ImapWriter w, IReadOnlyList<MimeParameter> parameters, bool addDefaultCharset)
    {
        var addCharset = addDefaultCharset && parameters.Get("charset") is null;
        if (parameters.Count == 0 && !addCharset)
        {
            w.Nil();
            return;
        }
        w.Byte((byte)'(');
        var first = true;
        if (addCharset)
        {
            w.Raw("\"CHARSET\" \"US-ASCII\""u8);
            first = false;
        }
        foreach (var p in parameters)
        {
            if (!first) w.Space();
            first = false;
            if (p.Rfc2231Encoded && !System.Text.Ascii.IsValid(p.Value))
            {
                w.String(p.Name + "*");
                w.Space();
                w.String(Rfc2231.Encode(p.Value, p.Language));
            }
            else
            {
                w.String(p.Name);
                w.Space();
                w.String(p.Value);
            }
        }
        w.Byte((byte)')');
    }

    private static void WriteEnvelope(ImapWriter w, Envelope e)
    {
        w.Byte((byte)'(');
        w.NString(e.Date);
        w.Space();
        w.NString(e.Subject);
        w.Space();
        WriteAddresses(w, e.From);
        w.Space();
        // RFC 9051 §7.5.2: absent or empty Sender and Reply-To take the value of From.
        WriteAddresses(w, e.Sender is { Count: > 0 } ? e.Sender : e.From);
        w.Space();
        WriteAddresses(w, e.ReplyTo is { Count: > 0 } ? e.ReplyTo : e.From);
        w.Space();
        WriteAddresses(w, e.To);
        w.Space();
        WriteAddresses(w, e.Cc);
        w.Space();
        WriteAddresses(w, e.Bcc);
        w.Space();
        w.NString(e.InReplyTo);
        w.Space();
        w.NString(e.MessageId);
        w.Byte((byte)')');
    }

    private static void WriteAddresses(ImapWriter w, IReadOnlyList<EnvelopeAddress>? addresses)
    {
        if (addresses is not { Count: > 0 })
        {
            w.Nil();
            return;
        }
        w.Byte((byte)'(');
        foreach (var a in addresses)
        {
            w.Byte((byte)'(');
            w.NString(a.Name);
            w.Space();
            w.NString(a.Route);
            w.Space();
            w.NString(a.Mailbox);
            w.Space();
            w.NString(a.Host);
            w.Byte((byte)')');
        }
        w.Byte((byte)')');
    }
}
