using AgentMail.Mime.Encodings;

namespace AgentMail.Mime.Parsing;

/// <summary>
/// An entity while it is being parsed: where it starts, what its header said, what it has
/// become (leaf, multipart with boundary and children, or message with its nested root), and
/// the counters of a leaf body. Turned into an immutable <see cref="MimePart"/> when it ends.
/// </summary>
internal sealed class ParseFrame
{
    public long HeaderStart;
    public long BodyStart = -1;
    public long LfAtBodyStart;
    public int Depth;
    public bool IsMessageRoot;
    public bool InDigest;
    public MimePartKind Kind;
    public EntityHeader? Header;
    public ContentType ContentType = ContentType.TextPlainDefault;
    public TransferEncoding Encoding;
    public byte[]? Boundary;
    public bool InEpilogue;
    public List<MimePart>? Children;
    public MimePart? NestedRoot;
    public Envelope? NestedEnvelope;
    public DecodedLengthCounter Counter;
}
