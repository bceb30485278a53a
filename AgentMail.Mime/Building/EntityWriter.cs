namespace AgentMail.Mime.Building;

/// <summary>
/// Writes a planned MIME tree: each entity's header fields, the blank line, then its content
/// or its parts between delimiters. The async form flushes to the caller after each leaf and
/// while a stream attachment is encoded, so memory stays bounded by one chunk.
/// </summary>
internal static class EntityWriter
{
    private static void WriteHeader(IBufferWriter<byte> output, OutgoingEntity entity)
    {
        var h = new HeaderFormatter(output);
        switch (entity)
        {
            case OutgoingMultipart multipart:
                h.WriteWithParameters("Content-Type", "multipart/" + multipart.Subtype, multipart.Parameters);
                break;
            case OutgoingLeaf leaf:
                h.WriteWithParameters("Content-Type", leaf.ContentType, leaf.TypeParameters);
                h.WriteRaw("Content-Transfer-Encoding", leaf.TransferEncoding);
                if (leaf.Disposition is not null) h.WriteWithParameters("Content-Disposition", leaf.Disposition, leaf.DispositionParameters);
                if (leaf.ContentId is not null) h.WriteRaw("Content-ID", "<" + leaf.ContentId + ">");
                break;
        }
        output.Write("\r\n"u8);
    }

    public static void Write(IBufferWriter<byte> output, OutgoingEntity entity)
    {
        WriteHeader(output, entity);
        switch (entity)
        {
            case OutgoingLeaf leaf:
                if (leaf.Stream is not null) Base64LineEncoder.Encode(leaf.Stream, output);
                else WriteContent(output, leaf);
                break;
            case OutgoingMultipart multipart:
                for (var i = 0; i < multipart.Children.Count; i++)
                {
                    WriteDelimiter(output, multipart.Boundary, close: false, first: i == 0);
                    Write(output, multipart.Children[i]);
                }
                WriteDelimiter(output, multipart.Boundary, close: true, first: multipart.Children.Count == 0);
                break;
        }
    }

    public static async ValueTask WriteAsync(ArrayBufferWriter<byte> output, OutgoingEntity entity, Func<CancellationToken, ValueTask> flush, CancellationToken cancellationToken)
    {
        WriteHeader(output, entity);
        switch (entity)
        {
            case OutgoingLeaf leaf:
                if (leaf.Stream is not null) await Base64LineEncoder.EncodeAsync(leaf.Stream, output, flush, cancellationToken).ConfigureAwait(false);
                else WriteContent(output, leaf);
                break;
            case OutgoingMultipart multipart:
                for (var i = 0; i < multipart.Children.Count; i++)
                {
                    WriteDelimiter(output, multipart.Boundary, close: false, first: i == 0);
                    await WriteAsync(output, multipart.Children[i], flush, cancellationToken).ConfigureAwait(false);
                }
                WriteDelimiter(output, multipart.Boundary, close: true, first: multipart.Children.Count == 0);
                break;
        }
        await flush(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteContent(IBufferWriter<byte> output, OutgoingLeaf leaf)
    {
        var content = leaf.Content.Span;
        switch (leaf.TransferEncoding)
        {
            case "base64": Base64LineEncoder.Encode(content, output); break;
            case "quoted-printable": QuotedPrintableEncoder.Encode(content, output); break;
            default: output.Write(content); break;
        }
    }

    /// <summary>
    /// CRLF "--" boundary ["--"] CRLF: the leading CRLF belongs to the delimiter (RFC 2046
    /// §5.1.1); the first follows the header's blank line directly (no preamble).
    /// </summary>
    private static void WriteDelimiter(IBufferWriter<byte> output, string boundary, bool close, bool first = false)
    {
        output.Write(first ? "--"u8 : "\r\n--"u8);
        output.Write(Encoding.ASCII.GetBytes(boundary));
        output.Write(close ? "--\r\n"u8 : "\r\n"u8);
    }
}
