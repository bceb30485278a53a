namespace AgentMail.Imap.Protocol;

/// <summary>Character classes of RFC 9051 §9, as lookup tables over bytes.</summary>
public static class ImapChars
{
    private static readonly bool[] Atom = Build(b => b > 0x20 && b < 0x7F && "(){%*\"\\]".IndexOf((char)b) < 0);
    private static readonly bool[] AString = Build(b => b > 0x20 && b < 0x7F && "(){%*\"\\".IndexOf((char)b) < 0);
    private static readonly bool[] ListChar = Build(b => b > 0x20 && b < 0x7F && "(){\"\\".IndexOf((char)b) < 0);

    /// <summary>ATOM-CHAR: any CHAR except atom-specials.</summary>
    public static bool IsAtomChar(byte b) => Atom[b];

    /// <summary>ASTRING-CHAR: ATOM-CHAR or "]".</summary>
    public static bool IsAStringChar(byte b) => AString[b];

    /// <summary>list-char: ATOM-CHAR, list-wildcards or resp-specials.</summary>
    public static bool IsListChar(byte b) => ListChar[b];

    /// <summary>tag: any ASTRING-CHAR except "+".</summary>
    public static bool IsTagChar(byte b) => AString[b] && b != (byte)'+';

    /// <summary>True when the bytes can go out as an atom (no quoting needed).</summary>
    public static bool IsAtom(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) return false;
        foreach (var b in value)
        {
            if (!Atom[b]) return false;
        }
        return true;
    }

    private static bool[] Build(Func<int, bool> predicate)
    {
        var table = new bool[256];
        for (var i = 0; i < 256; i++) table[i] = predicate(i);
        return table;
    }
}
