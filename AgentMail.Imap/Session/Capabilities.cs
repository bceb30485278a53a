using System.Globalization;

namespace AgentMail.Imap.Session;

/// <summary>
/// What the server advertises (RFC 9051 §7.2.2). Before sign-in only what a client needs to sign
/// in; on the plain port before STARTTLS, LOGINDISABLED and no AUTH= (DESIGN.md: no plain-text
/// credentials before TLS).
/// </summary>
public static class Capabilities
{
    private const string Base = "IMAP4rev1 IMAP4rev2 SASL-IR LITERAL+ ID ENABLE IDLE";

    public const string BeforeTls = Base + " STARTTLS LOGINDISABLED";

    public const string NotAuthenticated = Base + " AUTH=PLAIN";

    public static string Authenticated(int maxMessageBytes) => string.Create(CultureInfo.InvariantCulture,
        $"{Base} NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE XLIST STATUS=SIZE " +
        $"QUOTA QUOTA=RES-STORAGE CONDSTORE QRESYNC ESEARCH SEARCHRES SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES " +
        $"OBJECTID UTF8=ACCEPT BINARY APPENDLIMIT={maxMessageBytes}");
}

/// <summary>Extensions a client turned on (ENABLE, or implicitly for CONDSTORE).</summary>
[Flags]
public enum Extensions
{
    None = 0,
    CondStore = 1,
    QResync = 2,
    Utf8Accept = 4,
    Imap4rev2 = 8,
}
