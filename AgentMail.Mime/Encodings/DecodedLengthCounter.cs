namespace AgentMail.Mime.Encodings;

/// <summary>
/// Counts decoded octets while the parser streams a leaf body, with exactly the semantics of
/// <see cref="ContentDecoder"/>; for text parts also the octets after CRLF canonicalization
/// (IMAP BINARY.SIZE). A trailing CR is held back until the next chunk shows whether it
/// belongs to the content or to the CRLF that precedes a boundary (RFC 2046 §5.1.1).
/// </summary>
internal struct DecodedLengthCounter
{
    private const int Scratch = 4096;
    private TransferEncoding _encoding;
    private bool _canonical;
    private Base64Decoder _base64;
    private QuotedPrintableDecoder _quotedPrintable;
    private LineEndingCanonicalizer _canonicalizer;
    private bool _heldCr;
    private long _count;
    private long _canonicalCount;

    public void Reset(TransferEncoding encoding, bool canonical = false)
    {
        this = default;
        _encoding = encoding;
        _canonical = canonical;
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
    public (long Decoded, long Canonical) Finish(bool dropHeldCr)
    {
        if (_heldCr && !dropHeldCr) AddCore("\r"u8);
        _heldCr = false;
        Span<byte> tail = stackalloc byte[8];
        var n = _encoding switch
        {
            TransferEncoding.Base64 => _base64.Flush(tail),
            TransferEncoding.QuotedPrintable => _quotedPrintable.Flush(tail),
            _ => 0,
        };
        _count += n;
        if (_canonical) _canonicalCount += _canonicalizer.Count(tail[..n]) + _canonicalizer.FinishCount();
        return (_count, _canonical ? _canonicalCount : _count);
    }

    private void AddCore(ReadOnlySpan<byte> content)
    {
        if (!_canonical || _encoding is not (TransferEncoding.Base64 or TransferEncoding.QuotedPrintable))
        {
            _count += _encoding switch
            {
                TransferEncoding.Base64 => _base64.Count(content),
                TransferEncoding.QuotedPrintable => _quotedPrintable.Count(content),
                _ => content.Length,
            };
            if (_canonical) _canonicalCount += _canonicalizer.Count(content);
            return;
        }

        // Canonical sizes of encoded text need the decoded bytes themselves.
        Span<byte> decoded = stackalloc byte[QuotedPrintableDecoder.MaxDecodedLength(Scratch)];
        while (!content.IsEmpty)
        {
            var chunk = content[..Math.Min(Scratch, content.Length)];
            var n = _encoding == TransferEncoding.Base64 ? _base64.Decode(chunk, decoded) : _quotedPrintable.Decode(chunk, decoded);
            _count += n;
            _canonicalCount += _canonicalizer.Count(decoded[..n]);
            content = content[chunk.Length..];
        }
    }
}
