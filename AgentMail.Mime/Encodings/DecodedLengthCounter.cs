namespace AgentMail.Mime.Encodings;

/// <summary>
/// Counts decoded octets while the parser streams a leaf body, with exactly the semantics of
/// <see cref="ContentDecoder"/>. A trailing CR is held back until the next chunk shows whether
/// it belongs to the content or to the CRLF that precedes a boundary (RFC 2046 §5.1.1).
/// </summary>
internal struct DecodedLengthCounter
{
    private TransferEncoding _encoding;
    private Base64Decoder _base64;
    private QuotedPrintableDecoder _quotedPrintable;
    private bool _heldCr;
    private long _count;

    public void Reset(TransferEncoding encoding)
    {
        this = default;
        _encoding = encoding;
    }

    public void Add(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty) return;
        if (_heldCr)
        {
            _heldCr = false;
            AddCore("\r"u8);
        }
        if (content[^1] == '\r')
        {
            _heldCr = true;
            content = content[..^1];
        }
        AddCore(content);
    }

    /// <summary>Ends the content. <paramref name="dropHeldCr"/>: the held CR was the boundary's.</summary>
    public long Finish(bool dropHeldCr)
    {
        if (_heldCr && !dropHeldCr) AddCore("\r"u8);
        _heldCr = false;
        _count += _encoding switch
        {
            TransferEncoding.Base64 => _base64.FlushCount(),
            TransferEncoding.QuotedPrintable => _quotedPrintable.FlushCount(),
            _ => 0,
        };
        return _count;
    }

    private void AddCore(ReadOnlySpan<byte> content)
    {
        _count += _encoding switch
        {
            TransferEncoding.Base64 => _base64.Count(content),
            TransferEncoding.QuotedPrintable => _quotedPrintable.Count(content),
            _ => content.Length,
        };
    }
}
