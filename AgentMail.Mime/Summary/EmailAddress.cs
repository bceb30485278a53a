namespace AgentMail.Mime.Summary;

/// <summary>A mailbox for the API ({name, email}): name RFC 2047-decoded, address "local@domain".</summary>
public sealed record EmailAddress(string? Name, string Address)
{
    public override string ToString() => Name is null ? Address : $"{Name} <{Address}>";
}
