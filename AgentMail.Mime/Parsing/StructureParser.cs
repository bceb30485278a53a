using AgentMail.Mime.Encodings;
using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Parsing;

/// <summary>
/// Push parser: <see cref="Feed"/> takes the message in consecutive chunks (or all at once)
/// and returns how much it consumed; unconsumed bytes (an incomplete line that may be a
/// boundary or a header) must be passed again with more data after them. It holds no body
/// bytes: only the current header block (bounded) and per-part counters. Line counts and sizes
/// come from a running LF count and byte position, decoded sizes from streaming counters.
/// </summary>
internal sealed class StructureParser : IDisposable
{
    private enum State : byte { HeaderLine, HeaderLineRest, Body, BoundaryLineRest, Done }

    private readonly MimeParserOptions _options;
    private readonly List<ParseFrame> _stack = [];
    private readonly List<(int Index, byte[] Boundary)> _active = [];
    private State _state;
    private long _position;
    private long _dataBase;
    private long _lfCount;
    private byte _last;
    private byte _prev;
    private bool _bodyAtLineStart;
    private int _pendingChildOf = -1;
    private int _partCount;
    private bool _limitsExceeded;
    private long _rootFirstLine;
    private MimePart? _root;
    private Envelope? _rootEnvelope;

    // The header block being read, when it spans several Feed calls.
    private byte[]? _headerBuffer;
    private int _headerLength;
    private long _headerOwner = -1;

    public StructureParser(MimeParserOptions options)
    {
        options.Validate();
        _options = options;
        Lookahead = options.MaxBoundaryLength + 8;
        _stack.Add(new ParseFrame { IsMessageRoot = true });
        _partCount = 1;
    }

    /// <summary>Bytes of a line the parser must see at once to classify it.</summary>
    public int Lookahead { get; }

    private ParseFrame Top => _stack[^1];

    public int Feed(ReadOnlySpan<byte> data, bool final)
    {
        _dataBase = _position;
        while (_state != State.Done)
        {
            var rest = data[(int)(_position - _dataBase)..];
            var progressed = _state switch
            {
                State.HeaderLine => HeaderLine(rest, data, final),
                State.HeaderLineRest => HeaderLineRest(rest),
                State.Body => Body(rest, final),
                State.BoundaryLineRest => BoundaryLineRest(rest),
                _ => false,
            };
            if (!progressed) break;
        }
        var consumed = (int)(_position - _dataBase);
        if (final && _state != State.Done)
        {
            // Every state consumes all it is given once the input is final; anything left is
            // content of the innermost entity.
            if (consumed < data.Length) ConsumeContent(Top, data[consumed..]);
            FinishAtEnd(data);
        }
        else if (!final)
        {
            SaveHeaderBytes(data);
        }
        return (int)(_position - _dataBase);
    }

    public MessageStructure Build()
    {
        if (_root is null) throw new InvalidOperationException("The parser has not seen the end of the message.");
        var structure = new MessageStructure(_position, _rootEnvelope ?? Envelope.Empty, _root, _limitsExceeded);
        return structure;
    }

    // ---- header block -------------------------------------------------------------------

    private bool HeaderLine(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> data, bool final)
    {
        if (rest.IsEmpty) return false;
        var top = Top;
        if (_position == 0)
        {
            var bom = HeaderSyntax.Utf8Bom;
            if (rest.Length < 3 && !final && bom.StartsWith(rest)) return false;
            if (rest.StartsWith(bom))
            {
                Consume(rest[..3]);
                _rootFirstLine = 3;
                return true;
            }
        }

        if (!TryGetLine(rest, 0, final, out var line, out var complete)) return false;

        if (line.Length >= 2 && line[0] == '-' && line[1] == '-' && TryMatchBoundary(line, out var index, out var close))
        {
            // A boundary ends a header that has no blank line; the body is empty.
            FinishHeader(top, data);
            StartBoundary(index, close, EndHere());
            return true;
        }
        if (complete && HeaderSyntax.IsBlankLine(line))
        {
            Consume(rest[..(line.Length + 1)]);
            FinishHeader(top, data);
            return true;
        }
        var isHeaderLine = line.Length > 0 && (
            HeaderSyntax.IsWhitespace(line[0]) ||
            HeaderSyntax.TryParseFieldStart(line, out _, out _) ||
            (_stack.Count == 1 && _position == _rootFirstLine && HeaderSyntax.IsMboxFromLine(line)));
        if (!isHeaderLine)
        {
            // Not a field. When the next line is a field, this is a broken fold inside the header
            // (kept there, uninterpreted); otherwise the header ends without a blank line and
            // this line is the first of the body.
            if (complete)
            {
                var next = NextLineIsField(rest, line.Length + 1, final);
                if (next is null) return false;
                if (next.Value)
                {
                    Consume(rest[..(line.Length + 1)]);
                    return true;
                }
            }
            FinishHeader(top, data);
            return true;
        }
        if (complete)
        {
            Consume(rest[..(line.Length + 1)]);
        }
        else
        {
            Consume(line); // the first Lookahead bytes of a long line (or the last line of the input)
            _state = State.HeaderLineRest;
        }
        return true;
    }

    /// <summary>Whether the line at <paramref name="start"/> is a field or a fold; null: need more data.</summary>
    private bool? NextLineIsField(ReadOnlySpan<byte> rest, int start, bool final)
    {
        if (start >= rest.Length) return final ? false : null;
        if (!TryGetLine(rest, start, final, out var next, out _)) return null;
        if (next.Length == 0 || TryMatchBoundary(next, out _, out _)) return false;
        return HeaderSyntax.IsWhitespace(next[0]) || HeaderSyntax.TryParseFieldStart(next, out _, out _);
    }

    private bool HeaderLineRest(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty) return false;
        var lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
        {
            Consume(rest);
            return true;
        }
        Consume(rest[..(lf + 1)]);
        _state = State.HeaderLine;
        return true;
    }

    private void FinishHeader(ParseFrame frame, ReadOnlySpan<byte> data)
    {
        frame.BodyStart = _position;
        frame.LfAtBodyStart = _lfCount;
        frame.Header = EntityHeader.Parse(HeaderBlock(frame, data), frame.IsMessageRoot, _options.MaxHeaderCount);
        if (frame.Header.TooManyFields) _limitsExceeded = true;
        _headerOwner = -1;
        _headerLength = 0;
        Classify(frame);
    }

    private ReadOnlySpan<byte> HeaderBlock(ParseFrame frame, ReadOnlySpan<byte> data)
    {
        if (_headerOwner == frame.HeaderStart)
        {
            AppendHeaderBytes(data[(int)(Math.Max(frame.HeaderStart, _dataBase) - _dataBase)..(int)(_position - _dataBase)]);
            return _headerBuffer.AsSpan(0, _headerLength);
        }
        var block = data[(int)(frame.HeaderStart - _dataBase)..(int)(_position - _dataBase)];
        if (block.Length > _options.MaxHeaderBlockLength)
        {
            _limitsExceeded = true;
            block = block[.._options.MaxHeaderBlockLength];
        }
        return block;
    }

    private void SaveHeaderBytes(ReadOnlySpan<byte> data)
    {
        if (_state is not (State.HeaderLine or State.HeaderLineRest)) return;
        var frame = Top;
        if (_headerOwner != frame.HeaderStart)
        {
            _headerOwner = frame.HeaderStart;
            _headerLength = 0;
        }
        AppendHeaderBytes(data[(int)(Math.Max(frame.HeaderStart, _dataBase) - _dataBase)..(int)(_position - _dataBase)]);
    }

    private void AppendHeaderBytes(ReadOnlySpan<byte> bytes)
    {
        var room = _options.MaxHeaderBlockLength - _headerLength;
        if (bytes.Length > room)
        {
            _limitsExceeded = true;
            bytes = bytes[..Math.Max(0, room)];
        }
        if (bytes.IsEmpty) return;
        if (_headerBuffer is null || _headerLength + bytes.Length > _headerBuffer.Length)
        {
            var next = ArrayPool<byte>.Shared.Rent(Math.Max(4096, Math.Max(_headerLength + bytes.Length, (_headerBuffer?.Length ?? 0) * 2)));
            _headerBuffer?.AsSpan(0, _headerLength).CopyTo(next);
            if (_headerBuffer is not null) ArrayPool<byte>.Shared.Return(_headerBuffer);
            _headerBuffer = next;
        }
        bytes.CopyTo(_headerBuffer.AsSpan(_headerLength));
        _headerLength += bytes.Length;
    }

    /// <summary>Decides what the entity is once its header is known, and what to read next.</summary>
    private void Classify(ParseFrame frame)
    {
        var header = frame.Header!;
        var type = header.ContentType ?? (frame.InDigest ? ContentType.MessageRfc822Default : ContentType.TextPlainDefault);
        frame.Encoding = header.TransferEncoding;

        if (type.IsMultipart)
        {
            var boundary = type.Boundary;
            if (boundary is null || Encoding.UTF8.GetByteCount(boundary) > _options.MaxBoundaryLength)
            {
                // No usable boundary: syntactically invalid, so the RFC 2045 §5.2 default.
                type = ContentType.TextPlainDefault;
            }
            else if (frame.Depth >= _options.MaxDepth)
            {
                _limitsExceeded = true;
                type = ContentType.OpaqueOf(type);
            }
            else
            {
                frame.Kind = MimePartKind.Multipart;
                frame.ContentType = type;
                frame.Boundary = Encoding.UTF8.GetBytes(boundary);
                frame.Children = [];
                EnterBody();
                RebuildActiveBoundaries();
                return;
            }
        }
        else if (type.IsMessage)
        {
            if (!frame.Encoding.IsIdentity())
            {
                // RFC 2046 §5.2.1 allows only 7bit, 8bit or binary; an encoded message is opaque.
                type = ContentType.OpaqueOf(type);
            }
            else if (frame.Depth >= _options.MaxDepth || _partCount >= _options.MaxParts)
            {
                _limitsExceeded = true;
                type = ContentType.OpaqueOf(type);
            }
            else
            {
                frame.Kind = MimePartKind.Message;
                frame.ContentType = type;
                _stack.Add(new ParseFrame { HeaderStart = _position, Depth = frame.Depth + 1, IsMessageRoot = true });
                _partCount++;
                _state = State.HeaderLine;
                return;
            }
        }

        frame.Kind = MimePartKind.Leaf;
        frame.ContentType = type;
        frame.Counter.Reset(frame.Encoding, canonical: type.IsText);
        EnterBody();
    }

    private void EnterBody()
    {
        _state = State.Body;
        _bodyAtLineStart = true;
    }

    // ---- bodies and boundaries ----------------------------------------------------------

    private bool Body(ReadOnlySpan<byte> rest, bool final)
    {
        if (rest.IsEmpty) return false;
        var top = Top;
        if (_active.Count == 0)
        {
            ConsumeContent(top, rest);
            return true;
        }

        if (_bodyAtLineStart)
        {
            if (rest[0] == '-')
            {
                if (!TryGetLine(rest, 0, final, out var first, out _)) return false;
                if (TryMatchBoundary(first, out var index, out var close))
                {
                    // Right after a close delimiter (empty epilogue) the line break that ended it
                    // is the CRLF this delimiter begins with (RFC 2046 §5.1.1), so the inner
                    // multipart ends before it. After a header the line break stays the header's.
                    var end = top.Kind == MimePartKind.Multipart && top.InEpilogue && _position > top.BodyStart && _last == '\n'
                        ? new BoundaryEnd(_prev == '\r' ? _position - 2 : _position - 1, _lfCount - 1, (byte)'-', DropHeldCr: false)
                        : EndHere();
                    StartBoundary(index, close, end);
                    return true;
                }
            }
            _bodyAtLineStart = false;
        }

        // RFC 2046 §5.1.1: a boundary is "--" + boundary at the start of a line.
        var lf = rest.IndexOf("\n--"u8);
        if (lf < 0)
        {
            var keep = final ? 0 : rest.EndsWith("\n-"u8) ? 2 : rest[^1] == '\n' ? 1 : 0;
            if (rest.Length == keep) return false;
            ConsumeContent(top, rest[..^keep]);
            return true;
        }

        if (!TryGetLine(rest, lf + 1, final, out var candidate, out _))
        {
            if (lf == 0) return false;
            ConsumeContent(top, rest[..lf]);
            return true;
        }
        if (TryMatchBoundary(candidate, out var match, out var isClose))
        {
            ConsumeContent(top, rest[..lf]);
            // The CRLF (or bare LF) before the delimiter belongs to the delimiter.
            var end = _last == '\r' && _position > top.BodyStart
                ? new BoundaryEnd(_position - 1, _lfCount, _prev, DropHeldCr: true)
                : EndHere();
            StartBoundary(match, isClose, end);
            Consume(rest.Slice(lf, 1));
            return true;
        }
        ConsumeContent(top, rest[..(lf + 1)]);
        return true;
    }

    private bool BoundaryLineRest(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty) return false;
        var lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
        {
            Consume(rest);
            return true;
        }
        Consume(rest[..(lf + 1)]);
        AfterBoundaryLine();
        return true;
    }

    private void AfterBoundaryLine()
    {
        if (_pendingChildOf >= 0)
        {
            var parent = _stack[_pendingChildOf];
            _stack.Add(new ParseFrame
            {
                HeaderStart = _position,
                Depth = parent.Depth + 1,
                InDigest = parent.ContentType.MediaSubtype.Equals("digest", StringComparison.OrdinalIgnoreCase),
            });
            _partCount++;
            _state = State.HeaderLine;
        }
        else
        {
            EnterBody();
        }
        _pendingChildOf = -1;
    }

    /// <summary>
    /// A delimiter of the multipart at stack <paramref name="index"/> was found: every entity
    /// inside it ends at <paramref name="contentEnd"/> (closing unterminated inner multiparts).
    /// </summary>
    /// <summary>Where the entities a delimiter closes end: offset, LF count there, last byte before.</summary>
    private readonly record struct BoundaryEnd(long Offset, long LfCount, byte LastByte, bool DropHeldCr);

    private BoundaryEnd EndHere() => new(_position, _lfCount, _last, DropHeldCr: false);

    private void StartBoundary(int index, bool close, BoundaryEnd end)
    {
        while (_stack.Count - 1 > index) CloseTop(end);
        if (close)
        {
            _stack[index].InEpilogue = true;
            _pendingChildOf = -1;
        }
        else
        {
            _pendingChildOf = index;
        }
        RebuildActiveBoundaries();
        _state = State.BoundaryLineRest;
    }

    /// <summary>
    /// Matches "--boundary" as a prefix of the line (RFC 2046 §5.1.1 NOTE TO IMPLEMENTORS). Of
    /// several open multiparts, the longest matching boundary wins, then the innermost, so an
    /// outer "--x" still ends an inner "xy" multipart and equal boundaries nest.
    /// </summary>
    private bool TryMatchBoundary(ReadOnlySpan<byte> line, out int index, out bool close)
    {
        index = -1;
        close = false;
        if (line.Length < 2 || line[0] != '-' || line[1] != '-') return false;
        var rest = line[2..];
        var bestLength = -1;
        foreach (var (frameIndex, boundary) in _active)
        {
            if (boundary.Length > bestLength && rest.StartsWith(boundary))
            {
                index = frameIndex;
                bestLength = boundary.Length;
            }
        }
        if (index < 0) return false;
        close = rest[bestLength..].StartsWith("--"u8);
        if (!close && _partCount >= _options.MaxParts)
        {
            _limitsExceeded = true; // further parts are read as content of the current one
            return false;
        }
        return true;
    }

    private void RebuildActiveBoundaries()
    {
        _active.Clear();
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            var frame = _stack[i];
            if (frame.Kind == MimePartKind.Multipart && !frame.InEpilogue && frame.Boundary is not null)
                _active.Add((i, frame.Boundary));
        }
    }

    // ---- end of entities ----------------------------------------------------------------

    private void FinishAtEnd(ReadOnlySpan<byte> data)
    {
        if (_state == State.BoundaryLineRest) AfterBoundaryLine();
        while (_state is State.HeaderLine or State.HeaderLineRest) FinishHeader(Top, data);
        while (_stack.Count > 0) CloseTop(EndHere());
        _state = State.Done;
        ReturnBuffers();
    }

    private void CloseTop(BoundaryEnd at)
    {
        var end = at.Offset;
        var frame = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (frame.BodyStart < 0)
        {
            frame.BodyStart = end;
            frame.LfAtBodyStart = at.LfCount;
        }
        if (frame.Kind == MimePartKind.Multipart) RebuildActiveBoundaries();

        var size = end - frame.BodyStart;
        var lines = at.LfCount - frame.LfAtBodyStart + (size > 0 && at.LastByte != '\n' ? 1 : 0);
        var (decoded, binary) = frame.Kind == MimePartKind.Leaf ? frame.Counter.Finish(at.DropHeldCr) : (size, size);
        var header = frame.Header;

        var part = new MimePart
        {
            Kind = frame.Kind,
            HeaderOffset = frame.HeaderStart,
            BodyOffset = frame.BodyStart,
            EndOffset = end,
            Lines = lines,
            DecodedSize = decoded,
            BinarySize = binary,
            ContentType = frame.ContentType,
            ContentDisposition = header?.ContentDisposition,
            ContentId = header?.ContentId,
            ContentDescription = header?.ContentDescription,
            ContentTransferEncoding = header?.ContentTransferEncoding,
            TransferEncoding = frame.Encoding,
            ContentLanguage = header?.ContentLanguage ?? [],
            ContentLocation = header?.ContentLocation,
            ContentMd5 = header?.ContentMd5,
            Children = frame.Children is { Count: > 0 } children ? children : [],
            Message = frame.Kind == MimePartKind.Message && frame.NestedRoot is not null
                ? new EmbeddedMessage(frame.NestedEnvelope ?? Envelope.Empty, frame.NestedRoot)
                : null,
        };

        var envelope = frame.IsMessageRoot ? header?.Envelope ?? Envelope.Empty : null;
        if (_stack.Count == 0)
        {
            _root = part;
            _rootEnvelope = envelope;
            return;
        }
        var parent = _stack[^1];
        if (parent.Kind == MimePartKind.Message)
        {
            parent.NestedRoot = part;
            parent.NestedEnvelope = envelope;
        }
        else
        {
            parent.Children?.Add(part);
        }
    }

    // ---- bytes --------------------------------------------------------------------------

    private bool TryGetLine(ReadOnlySpan<byte> rest, int start, bool final, out ReadOnlySpan<byte> line, out bool complete)
    {
        var window = rest[start..Math.Min(rest.Length, start + Lookahead)];
        var lf = window.IndexOf((byte)'\n');
        if (lf >= 0)
        {
            line = window[..lf];
            complete = true;
            return true;
        }
        line = window;
        complete = false;
        return window.Length == Lookahead || final;
    }

    private void ConsumeContent(ParseFrame frame, ReadOnlySpan<byte> bytes)
    {
        if (frame.Kind == MimePartKind.Leaf) frame.Counter.Add(bytes);
        Consume(bytes);
    }

    private void Consume(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        _lfCount += bytes.Count((byte)'\n');
        if (bytes.Length >= 2)
        {
            _prev = bytes[^2];
            _last = bytes[^1];
        }
        else
        {
            _prev = _last;
            _last = bytes[0];
        }
        _position += bytes.Length;
    }

    private void ReturnBuffers()
    {
        if (_headerBuffer is not null) ArrayPool<byte>.Shared.Return(_headerBuffer);
        _headerBuffer = null;
    }

    public void Dispose() => ReturnBuffers();
}
