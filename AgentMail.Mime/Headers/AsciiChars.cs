namespace AgentMail.Mime.Headers;

/// <summary>Byte classification helpers (ASCII only).</summary>
internal static class AsciiChars
{
    public static bool IsDigit(byte b) => char.IsAsciiDigit((char)b);

    public static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    public static bool IsLetter(byte b) => char.IsAsciiLetter((char)b);

    public static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
