namespace AgentMail.Mime;

/// <summary>
/// A Content-Type or Content-Disposition parameter, with RFC 2231 continuations joined and
/// charset-decoded. <see cref="Rfc2231Encoded"/> records that the value came in the extended
/// (charset'language'%XX) form, which BODYSTRUCTURE reproduces for non-ASCII values.
/// </summary>
public sealed record MimeParameter(string Name, string Value, bool Rfc2231Encoded = false, string? Language = null);

/// <summary>Lookups over parameter lists (names compare ASCII case-insensitively).</summary>
public static class MimeParameterListExtensions
{
    public static string? Get(this IReadOnlyList<MimeParameter> parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var parameter in parameters)
            if (parameter.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return parameter.Value;
        return null;
    }
}
