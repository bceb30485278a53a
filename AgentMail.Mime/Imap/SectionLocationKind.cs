namespace AgentMail.Mime.Imap;

public enum SectionLocationKind : byte
{
    /// <summary>The section does not exist (RFC 9051 leaves the answer open; the IMAP server says NIL).</summary>
    Empty,
    /// <summary>A contiguous slice of the raw message.</summary>
    Slice,
    /// <summary>A header block to be filtered by HEADER.FIELDS or HEADER.FIELDS.NOT.</summary>
    HeaderFields,
}
