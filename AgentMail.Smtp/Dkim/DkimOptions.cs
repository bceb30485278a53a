namespace AgentMail.Smtp.Dkim;

/// <summary>
/// Configuration section <c>Dkim</c>: a signing key per sender domain,
/// <c>Dkim:Domains:&lt;domain&gt;:Selector</c> and <c>Dkim:Domains:&lt;domain&gt;:PrivateKeyPath</c>
/// (PEM, PKCS#8 or PKCS#1 RSA). Its public key is published at
/// <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c> as <c>v=DKIM1; k=rsa; p=...</c>.
/// </summary>
public sealed class DkimOptions
{
    public const string SectionName = "Dkim";

    public Dictionary<string, DkimDomainOptions> Domains { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class DkimDomainOptions
{
    public string? Selector { get; set; }
    public string? PrivateKeyPath { get; set; }
}
