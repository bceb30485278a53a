using AgentMail.Mime.Imap;
using AgentMail.Mime.Serialization;

namespace AgentMail.Mime;

/// <summary>
/// The parsed structure of a message: its envelope and its MIME tree, every entity located by
/// byte offsets in the raw message. Immutable; compact to store (<see cref="ToBytes"/>) so that
/// IMAP FETCH renders ENVELOPE/BODYSTRUCTURE and resolves sections without re-parsing.
/// </summary>
public sealed class MessageStructure
{
    internal MessageStructure(long size, Envelope envelope, MimePart root, bool limitsExceeded)
    {
        Size = size;
        Envelope = envelope;
        Root = root;
        LimitsExceeded = limitsExceeded;
        PartNumbering.Assign(root);
    }

    /// <summary>Size of the raw message in octets (IMAP RFC822.SIZE).</summary>
    public long Size { get; }

    /// <summary>The top-level header's ENVELOPE fields.</summary>
    public Envelope Envelope { get; }

    /// <summary>The top-level entity: its header is the message header.</summary>
    public MimePart Root { get; }

    /// <summary>True when a <see cref="MimeParserOptions"/> bound cut the parse short somewhere.</summary>
    public bool LimitsExceeded { get; }

    /// <summary>All entities, depth first, encapsulated messages included.</summary>
    public IEnumerable<MimePart> EnumerateParts() => PartNumbering.Enumerate(Root);

    /// <summary>The entity whose body an IMAP part number ("1", "2.1") addresses, or null.</summary>
    public MimePart? FindPart(string partNumber)
    {
        ArgumentNullException.ThrowIfNull(partNumber);
        if (partNumber.Length == 0) return null;
        var path = new List<int>();
        foreach (var piece in partNumber.Split('.'))
        {
            if (!int.TryParse(piece, System.Globalization.NumberStyles.None, null, out var n) || n < 1) return null;
            path.Add(n);
        }
        return SectionResolver.FindPart(Root, path);
    }

    /// <summary>Where a FETCH BODY[section] / BINARY[section] is in the raw message (RFC 9051 §6.4.5.1).</summary>
    public SectionLocation Resolve(BodySection section) => SectionResolver.Resolve(this, section);

    /// <summary>A compact, versioned binary form for storage.</summary>
    public byte[] ToBytes() => StructureSerializer.Serialize(this);

    /// <summary>Reads <see cref="ToBytes"/> output. Throws <see cref="FormatException"/> on corrupt data.</summary>
    public static MessageStructure FromBytes(ReadOnlySpan<byte> data) => StructureSerializer.Deserialize(data);
}
