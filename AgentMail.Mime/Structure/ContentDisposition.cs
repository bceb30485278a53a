namespace AgentMail.Mime;

/// <summary>A Content-Disposition (RFC 2183), type as written, parameters RFC 2231-decoded.</summary>
public sealed record ContentDisposition(string Disposition, IReadOnlyList<MimeParameter> Parameters)
{
    public bool IsAttachment => Disposition.Equals("attachment", StringComparison.OrdinalIgnoreCase);

    public bool IsInline => Disposition.Equals("inline", StringComparison.OrdinalIgnoreCase);

    public string? FileName => Parameters.Get("filename");

    public override string ToString() => Disposition.ToLowerInvariant();
}
