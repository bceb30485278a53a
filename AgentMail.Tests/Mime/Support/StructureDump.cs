using AgentMail.Mime;

namespace AgentMail.Tests.Mime.Support;

/// <summary>A compact, exact text form of a parsed structure for assertions.</summary>
internal static class StructureDump
{
    /// <summary>
    /// One line per entity, depth first: part number ("-" for a top-level multipart), kind
    /// (L/M/R for leaf/multipart/rfc822), type, header/body/end offsets, lines and decoded size.
    /// </summary>
    public static string Of(MessageStructure structure) =>
        string.Join("\n", structure.EnumerateParts().Select(Line));

    public static string Line(MimePart p) =>
        $"{(p.PartNumber.Length == 0 ? "-" : p.PartNumber)} {Kind(p.Kind)} {p.ContentType.MimeType} {p.HeaderOffset}/{p.BodyOffset}/{p.EndOffset} lines={p.Lines} dec={p.DecodedSize}";

    private static char Kind(MimePartKind kind) => kind switch
    {
        MimePartKind.Leaf => 'L',
        MimePartKind.Multipart => 'M',
        _ => 'R',
    };
}
