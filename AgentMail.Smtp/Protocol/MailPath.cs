namespace AgentMail.Smtp.Protocol;

/// <summary>
/// A reverse-path or forward-path (RFC 5321 §4.1.2) reduced to its mailbox: the source route, if
/// any, is dropped as §C allows. <see cref="Address"/> is "" for the null reverse-path &lt;&gt;, and
/// "postmaster" (no domain) for RCPT TO:&lt;Postmaster&gt; (§4.5.1).
/// </summary>
public sealed record MailPath(string Address)
{
    public static MailPath Null { get; } = new("");

    public bool IsNull => Address.Length == 0;

    /// <summary>True when the address holds non-ASCII characters: only allowed with SMTPUTF8 (RFC 6531 §3.3).</summary>
    public bool IsInternationalized => !System.Text.Ascii.IsValid(Address);

    public string Domain => Address.LastIndexOf('@') is var at and >= 0 ? Address[(at + 1)..] : "";

    public override string ToString() => $"<{Address}>";
}
