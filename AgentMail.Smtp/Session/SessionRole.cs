namespace AgentMail.Smtp.Session;

/// <summary>What a listener is for.</summary>
internal enum SessionRole
{
    /// <summary>465 / 587 (RFC 6409, RFC 8314): authenticated clients sending as their grant.</summary>
    Submission,

    /// <summary>25 (RFC 5321): other servers delivering to grants of this deployment; no AUTH.</summary>
    Mx,
}
