using System.Globalization;
using System.Security.Cryptography;
using AgentMail.Mime.Headers;
using AgentMail.Mime.Summary;

namespace AgentMail.Mime.Building;

/// <summary>
/// Builds an RFC 5322 / MIME message from what an API send request holds. The layout is
/// multipart/mixed (attachments) ⊃ multipart/related (inline resources, when there is HTML)
/// ⊃ multipart/alternative (text and HTML) ⊃ text parts, each level present only when needed.
/// Text is UTF-8 with CRLF line breaks, sent as 7bit when it is short-lined ASCII, else as
/// quoted-printable or base64, whichever is smaller; attachments are base64. Boundaries are
/// random and start with "=_", which neither base64 nor quoted-printable can produce; 7bit
/// content is checked. Header values cannot inject fields (CR/LF are rejected or replaced).
/// </summary>
public sealed partial class MessageBuilder
{
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
        "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
        "Content-ID", "Content-Description",
    };

    public EmailAddress? From { get; set; }
    public EmailAddress? Sender { get; set; }
    public List<EmailAddress> To { get; } = [];
    public List<EmailAddress> Cc { get; } = [];
    public List<EmailAddress> Bcc { get; } = [];
    public List<EmailAddress> ReplyTo { get; } = [];
    public string? Subject { get; set; }
    public string? TextBody { get; set; }
    public string? HtmlBody { get; set; }
    public List<OutgoingAttachment> Attachments { get; } = [];

    /// <summary>Message id of the message replied to (with or without angle brackets).</summary>
    public string? InReplyTo { get; set; }

    public List<string> References { get; } = [];

    /// <summary>The Message-ID to use; generated (&lt;random@domain&gt;) when null.</summary>
    public string? MessageId { get; set; }

    /// <summary>Domain for a generated Message-ID; defaults to the From domain.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>The Date to write; the current time when null.</summary>
    public DateTimeOffset? Date { get; set; }

    private readonly List<(string Name, string Value)> _headers = [];

    public IReadOnlyList<(string Name, string Value)> Headers => _headers;

    /// <summary>Adds a custom header. Throws for invalid names, CR/LF/NUL in the value, or fields the builder writes itself.</summary>
    public MessageBuilder AddHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length is 0 or > 76 || name.Any(c => c is < '!' or > '~' or ':'))
            throw new ArgumentException($"Invalid header name '{name}'.", nameof(name));
        if (ReservedHeaders.Contains(name))
            throw new ArgumentException($"The {name} header is set through its own property.", nameof(name));
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            throw new ArgumentException($"The value of {name} contains a line break or NUL.", nameof(value));
        _headers.Add((name, value));
        return this;
    }

    /// <summary>
    /// Makes this a reply (RFC 5322 §3.6.4): In-Reply-To is the parent's Message-ID and
    /// References the parent's References (or In-Reply-To) followed by its Message-ID.
    /// </summary>
    public MessageBuilder ReplyToMessage(string parentMessageId, IEnumerable<string>? parentReferences = null, string? parentInReplyTo = null)
    {
        ArgumentNullException.ThrowIfNull(parentMessageId);
        InReplyTo = parentMessageId;
        References.Clear();
        var earlier = parentReferences?.ToList() ?? [];
        if (earlier.Count == 0 && parentInReplyTo is not null) earlier.Add(parentInReplyTo);
        References.AddRange(earlier);
        References.Add(parentMessageId);
        return this;
    }

    public MessageBuilder AddAttachment(OutgoingAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        Attachments.Add(attachment);
        return this;
    }

    /// <summary>The Message-ID (without brackets) written by the last build.</summary>
    public string? WrittenMessageId { get; private set; }

    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the message; attachment streams are read synchronously.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var root = Plan();
        WriteHeader(output);
        EntityWriter.Write(output, root);
    }

    /// <summary>Writes the message to a stream, reading attachment streams asynchronously.</summary>
    public async Task WriteToAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var root = Plan();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        async ValueTask Flush(CancellationToken ct)
        {
            if (buffer.WrittenCount == 0) return;
            await output.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
            buffer.ResetWrittenCount();
        }
        WriteHeader(buffer);
        await EntityWriter.WriteAsync(buffer, root, Flush, cancellationToken).ConfigureAwait(false);
        await Flush(cancellationToken).ConfigureAwait(false);
    }

    // ---- planning ------------------------------------------------------------------------

    private OutgoingEntity Plan()
    {
        OutgoingEntity body = HtmlBody is null
            ? TextLeaf(TextBody ?? string.Empty, "plain")
            : TextBody is null
                ? TextLeaf(HtmlBody, "html")
                : NewMultipart("alternative", [TextLeaf(TextBody, "plain"), TextLeaf(HtmlBody, "html")]);

        var inline = HtmlBody is null ? [] : Attachments.Where(a => a.IsInline && a.ContentId is not null).ToList();
        if (inline.Count > 0)
        {
            var related = NewMultipart("related", [body, .. inline.Select(AttachmentLeaf)]);
            related.Parameters.Add(("type", body is OutgoingMultipart ? "multipart/alternative" : "text/html", false));
            body = related;
        }
        var attached = Attachments.Where(a => !inline.Contains(a)).ToList();
        if (attached.Count > 0) body = NewMultipart("mixed", [body, .. attached.Select(AttachmentLeaf)]);
        return Report is null ? body : PlanReport(body, Report);
    }

    private static OutgoingMultipart NewMultipart(string subtype, List<OutgoingEntity> children)
    {
        while (true)
        {
            var boundary = "=_" + RandomToken(24);
            if (!children.Any(c => Contains(c, boundary))) return new OutgoingMultipart(subtype, boundary, [("boundary", boundary, false)], children);
        }
    }

    /// <summary>Only 7bit content can hold a boundary-like line; base64 and QP cannot hold "=_".</summary>
    private static bool Contains(OutgoingEntity entity, string boundary) => entity switch
    {
        OutgoingLeaf leaf => leaf.TransferEncoding is "7bit" or "8bit" && leaf.Content.Span.IndexOf(Encoding.ASCII.GetBytes(boundary)) >= 0,
        OutgoingMultipart multipart => multipart.Children.Any(c => Contains(c, boundary)),
        _ => false,
    };

    private static OutgoingLeaf TextLeaf(string text, string subtype)
    {
        var content = Encoding.UTF8.GetBytes(NormalizeNewlines(text));
        var encoding = ChooseTextEncoding(content);
        return new OutgoingLeaf("text/" + subtype, [("charset", "utf-8", false)], null, [], null, encoding, content, null);
    }

    private static OutgoingLeaf AttachmentLeaf(OutgoingAttachment attachment)
    {
        var (type, declared) = ParseContentType(attachment.ContentType);
        var name = attachment.FileName is null ? null : CleanFileName(attachment.FileName);
        var typeParameters = new List<(string, string, bool)>();
        var dispositionParameters = new List<(string, string, bool)>();
        if (name is not null)
        {
            typeParameters.Add(("name", name, true));
            dispositionParameters.Add(("filename", name, false));
        }
        // The caller's own parameters (charset=utf-8 of a text file, …) are kept; the file name wins over theirs.
        foreach (var parameter in declared)
        {
            if (name is null || !parameter.Name.Equals("name", StringComparison.OrdinalIgnoreCase))
                typeParameters.Add((parameter.Name.ToLowerInvariant(), parameter.Value, false));
        }
        string? contentId = null;
        if (attachment.ContentId is not null)
        {
            contentId = NormalizeMessageId(attachment.ContentId);
            if (contentId.Length == 0) throw new ArgumentException("Invalid Content-ID.");
        }
        return new OutgoingLeaf(type, typeParameters, attachment.IsInline ? "inline" : "attachment", dispositionParameters,
            contentId, "base64", attachment.Bytes, attachment.Stream);
    }

    private static string ChooseTextEncoding(ReadOnlySpan<byte> content)
    {
        var nonAscii = 0;
        var lineLength = 0;
        var maxLine = 0;
        var fromLine = content.StartsWith("From "u8) || content.IndexOf("\nFrom "u8) >= 0;
        foreach (var b in content)
        {
            if (b >= 0x80 || b == 0) nonAscii++;
            if (b == '\n') { maxLine = Math.Max(maxLine, lineLength); lineLength = 0; }
            else lineLength++;
        }
        maxLine = Math.Max(maxLine, lineLength);
        if (nonAscii == 0 && maxLine <= 998 && !fromLine) return "7bit";
        // QP costs 3 octets per non-ASCII byte; base64 costs 4/3 of everything.
        return content.Length + nonAscii * 2 <= content.Length * 4 / 3 ? "quoted-printable" : "base64";
    }

    // ---- header -------------------------------------------------------------------------

    private void WriteHeader(IBufferWriter<byte> output)
    {
        var h = new HeaderFormatter(output);
        var date = Date ?? DateTimeOffset.Now;
        h.WriteRaw("Date", FormatDate(date));
        if (From is not null) h.WriteAddresses("From", [From]);
        if (Sender is not null) h.WriteAddresses("Sender", [Sender]);
        if (ReplyTo.Count > 0) h.WriteAddresses("Reply-To", ReplyTo);
        if (To.Count > 0) h.WriteAddresses("To", To);
        if (Cc.Count > 0) h.WriteAddresses("Cc", Cc);
        if (Bcc.Count > 0) h.WriteAddresses("Bcc", Bcc);
        if (Subject is not null) h.WriteText("Subject", Subject);
        WrittenMessageId = MessageId is null ? GenerateMessageId() : NormalizeMessageId(MessageId);
        if (WrittenMessageId.Length == 0) throw new ArgumentException("Invalid Message-ID.");
        h.WriteMessageIds("Message-ID", [WrittenMessageId]);
        if (InReplyTo is not null) h.WriteMessageIds("In-Reply-To", [InReplyTo]);
        if (References.Count > 0) h.WriteMessageIds("References", References);
        h.WriteRaw("MIME-Version", "1.0");
        foreach (var (name, value) in _headers) h.WriteText(name, value);
    }

    // ---- values ---------------------------------------------------------------------------

    /// <summary>RFC 5322 §3.3 date-time, e.g. "Tue, 12 Nov 2013 09:12:42 -0500".</summary>
    public static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) +
               $"{sign}{offset.Hours:00}{offset.Minutes:00}";
    }

    /// <summary>An id without brackets or white space; "" when it holds nothing usable.</summary>
    public static string NormalizeMessageId(string id)
    {
        var text = id.Trim().TrimStart('<').TrimEnd('>');
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c > ' ' && c < 127 && c is not ('<' or '>' or '"' or '(' or ')' or ',' or ';' or '\\')) result.Append(c);
        return result.ToString();
    }

    private string GenerateMessageId()
    {
        var domain = MessageIdDomain ?? DomainOf(From?.Address) ?? "localhost";
        if (domain.Length == 0 || domain.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))) domain = "localhost";
        return RandomToken(26) + "@" + domain;
    }

    private static string? DomainOf(string? address)
    {
        if (address is null) return null;
        var at = address.LastIndexOf('@');
        return at < 0 ? null : address[(at + 1)..].Trim().TrimEnd('>');
    }

    private static string RandomToken(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(length, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static string NormalizeNewlines(string text) =>
        text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n').Replace("\n", "\r\n") : text.Replace("\n", "\r\n");

    /// <summary>
    /// "type/subtype" (lower-cased) and the parameters of a caller's content type, parsed as a
    /// Content-Type field (RFC 2045 §5.1) and written anew, so nothing of the original text — a
    /// line break, a second field — reaches the message. Type, subtype and parameter names must be
    /// ASCII tokens (a parameter whose name is not is dropped); a leaf is never multipart (RFC 2046
    /// §5.1: a multipart's body is its parts, not base64).
    /// </summary>
    private static (string Type, IReadOnlyList<MimeParameter> Parameters) ParseContentType(string contentType)
    {
        var parsed = MimeHeaderParser.ParseContentType(Encoding.UTF8.GetBytes(contentType));
        if (parsed is null || contentType.AsSpan().IndexOfAny('\r', '\n') >= 0
            || !HeaderFormatter.IsToken(parsed.MediaType) || !HeaderFormatter.IsToken(parsed.MediaSubtype) || parsed.IsMultipart)
            throw new ArgumentException($"Invalid content type '{contentType}'.");
        return (parsed.MimeType, [.. parsed.Parameters.Where(p => HeaderFormatter.IsToken(p.Name))]);
    }

    private static string CleanFileName(string name)
    {
        var cleaned = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return cleaned.Length == 0 ? "attachment" : cleaned;
    }
}
