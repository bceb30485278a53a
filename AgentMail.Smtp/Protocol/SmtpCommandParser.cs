using System.Buffers;
using System.Text;

namespace AgentMail.Smtp.Protocol;

/// <summary>
/// Parses one command line (without its CRLF) on a <see cref="SequenceReader{T}"/> straight from
/// the connection's pipe. Never throws on input: a line it cannot accept becomes the reply that
/// says why. Paths follow RFC 5321 §4.1.2 with SMTPUTF8's UTF-8 (RFC 6531 §3.3), and the
/// leniencies real clients need: a space after "FROM:"/"TO:" and a path without angle brackets.
/// </summary>
public static class SmtpCommandParser
{
    /// <summary>RFC 5321 §4.5.3.1.1–3: local part, domain and path length limits, in octets.</summary>
    public const int MaxLocalPart = 64;
    public const int MaxDomain = 255;
    public const int MaxPath = 256;

    public static SmtpParseResult Parse(ReadOnlySequence<byte> line)
    {
        if (line.PositionOf((byte)0) is not null)
            return SmtpReplies.NulInCommand;
        if (!IsValidUtf8(line))
            return SmtpReplies.InvalidUtf8;

        var reader = new SequenceReader<byte>(line);
        var verb = ReadVerb(ref reader);
        var hasSpace = reader.IsNext((byte)' ', advancePast: true);
        if (!hasSpace && !reader.End)
            return SmtpReplies.Unrecognized;
        return verb switch
        {
            SmtpVerb.Helo or SmtpVerb.Ehlo => ParseHello(ref reader, verb),
            SmtpVerb.Mail => ParseMailOrRcpt(ref reader, verb, "FROM:"u8),
            SmtpVerb.Rcpt => ParseMailOrRcpt(ref reader, verb, "TO:"u8),
            SmtpVerb.Data or SmtpVerb.Rset or SmtpVerb.Quit or SmtpVerb.StartTls => NoArguments(ref reader, verb),
            SmtpVerb.Noop or SmtpVerb.Help => new SmtpCommand(verb) { Argument = Rest(ref reader) },
            SmtpVerb.Vrfy or SmtpVerb.Expn => Rest(ref reader) is { Length: > 0 } argument
                ? new SmtpCommand(verb) { Argument = argument }
                : SmtpReplies.Syntax($"{Name(verb)} <string>"),
            SmtpVerb.Bdat => ParseBdat(ref reader),
            SmtpVerb.Auth => ParseAuth(ref reader),
            _ => SmtpReplies.Unrecognized,
        };
    }

    private static SmtpVerb ReadVerb(ref SequenceReader<byte> reader)
    {
        Span<byte> verb = stackalloc byte[8];
        var length = 0;
        while (reader.TryPeek(out var b) && b != ' ')
        {
            if (length == verb.Length)
                return SmtpVerb.Unknown;
            verb[length++] = (byte)(b | 0x20); // ASCII lower case; non-letters never match below
            reader.Advance(1);
        }
        return verb[..length] switch
        {
            var v when v.SequenceEqual("helo"u8) => SmtpVerb.Helo,
            var v when v.SequenceEqual("ehlo"u8) => SmtpVerb.Ehlo,
            var v when v.SequenceEqual("mail"u8) => SmtpVerb.Mail,
            var v when v.SequenceEqual("rcpt"u8) => SmtpVerb.Rcpt,
            var v when v.SequenceEqual("data"u8) => SmtpVerb.Data,
            var v when v.SequenceEqual("bdat"u8) => SmtpVerb.Bdat,
            var v when v.SequenceEqual("rset"u8) => SmtpVerb.Rset,
            var v when v.SequenceEqual("noop"u8) => SmtpVerb.Noop,
            var v when v.SequenceEqual("quit"u8) => SmtpVerb.Quit,
            var v when v.SequenceEqual("vrfy"u8) => SmtpVerb.Vrfy,
            var v when v.SequenceEqual("expn"u8) => SmtpVerb.Expn,
            var v when v.SequenceEqual("help"u8) => SmtpVerb.Help,
            var v when v.SequenceEqual("starttls"u8) => SmtpVerb.StartTls,
            var v when v.SequenceEqual("auth"u8) => SmtpVerb.Auth,
            _ => SmtpVerb.Unknown,
        };
    }

    private static SmtpParseResult ParseHello(ref SequenceReader<byte> reader, SmtpVerb verb)
    {
        SkipSpaces(ref reader);
        // Clients send all kinds of names (bare host names, underscores, "localhost"): take the
        // first word as it is, as most servers do; it is only ever used in the Received header.
        var start = reader.Position;
        while (reader.TryPeek(out var b) && b != ' ' && b > 0x20 && b != 0x7F)
            reader.Advance(1);
        var name = reader.Sequence.Slice(start, reader.Position);
        SkipSpaces(ref reader);
        if (name.Length == 0 || name.Length > MaxDomain || !reader.End && reader.TryPeek(out var next) && next < 0x20)
            return SmtpReplies.Syntax($"{Name(verb)} hostname");
        return new SmtpCommand(verb) { Argument = Encoding.UTF8.GetString(name) };
    }

    private static SmtpParseResult ParseMailOrRcpt(ref SequenceReader<byte> reader, SmtpVerb verb, ReadOnlySpan<byte> keyword)
    {
        var usage = verb == SmtpVerb.Mail ? "MAIL FROM:<address> [parameters]" : "RCPT TO:<address> [parameters]";
        if (!IsNextIgnoreCase(ref reader, keyword))
            return SmtpReplies.Syntax(usage);
        SkipSpaces(ref reader);
        var badAddress = verb == SmtpVerb.Mail ? SmtpReplies.BadSenderSyntax : SmtpReplies.BadRecipientSyntax;
        if (!TryReadPath(ref reader, allowNull: verb == SmtpVerb.Mail, allowPostmaster: verb == SmtpVerb.Rcpt, out var path))
            return badAddress;
        if (!reader.End && !reader.IsNext((byte)' '))
            return badAddress; // text glued to the path: "<a@b>x"
        var parameters = new List<EsmtpParameter>();
        while (true)
        {
            SkipSpaces(ref reader);
            if (reader.End)
                break;
            if (!TryReadParameter(ref reader, out var parameter))
                return SmtpReplies.Syntax(usage);
            parameters.Add(parameter);
        }
        return new SmtpCommand(verb) { Path = path, Parameters = parameters };
    }

    private static SmtpParseResult NoArguments(ref SequenceReader<byte> reader, SmtpVerb verb)
    {
        SkipSpaces(ref reader);
        return reader.End ? new SmtpCommand(verb) : SmtpReplies.Syntax($"{Name(verb)} (no parameters allowed)");
    }

    /// <summary>RFC 3030 §2: "BDAT" SP chunk-size [ SP end-marker ] with end-marker "LAST".</summary>
    private static SmtpParseResult ParseBdat(ref SequenceReader<byte> reader)
    {
        long size = 0;
        var digits = 0;
        while (reader.TryPeek(out var b) && b is >= (byte)'0' and <= (byte)'9')
        {
            if (++digits > 18)
                return SmtpReplies.Syntax("BDAT <size> [LAST]");
            size = size * 10 + (b - '0');
            reader.Advance(1);
        }
        if (digits == 0)
            return SmtpReplies.Syntax("BDAT <size> [LAST]");
        var last = false;
        if (reader.IsNext((byte)' ', advancePast: true))
        {
            if (!IsNextIgnoreCase(ref reader, "LAST"u8))
                return SmtpReplies.Syntax("BDAT <size> [LAST]");
            last = true;
        }
        SkipSpaces(ref reader);
        return reader.End ? new SmtpCommand(SmtpVerb.Bdat) { ChunkSize = size, Last = last } : SmtpReplies.Syntax("BDAT <size> [LAST]");
    }

    /// <summary>RFC 4954 §4: "AUTH" SP sasl-mech [SP initial-response].</summary>
    private static SmtpParseResult ParseAuth(ref SequenceReader<byte> reader)
    {
        var mechanism = ReadWord(ref reader);
        if (mechanism.Length is 0 or > 20)
            return SmtpReplies.Syntax("AUTH mechanism [initial-response]");
        string? initial = null;
        if (reader.IsNext((byte)' ', advancePast: true))
        {
            initial = ReadWord(ref reader);
            if (initial.Length == 0)
                return SmtpReplies.Syntax("AUTH mechanism [initial-response]");
        }
        SkipSpaces(ref reader);
        if (!reader.End)
            return SmtpReplies.Syntax("AUTH mechanism [initial-response]");
        return new SmtpCommand(SmtpVerb.Auth) { Argument = mechanism.ToUpperInvariant(), InitialResponse = initial };
    }

    /// <summary>
    /// Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;" (RFC 5321 §4.1.2); also a bare Mailbox, and
    /// "&lt;&gt;" for MAIL. The source route is parsed and dropped (RFC 5321 Appendix C).
    /// </summary>
    internal static bool TryReadPath(ref SequenceReader<byte> reader, bool allowNull, bool allowPostmaster, out MailPath path)
    {
        path = MailPath.Null;
        var bracketed = reader.IsNext((byte)'<', advancePast: true);
        if (bracketed && reader.IsNext((byte)'>', advancePast: true))
            return allowNull;
        if (bracketed && reader.IsNext((byte)'@'))
        {
            // A-d-l = At-domain *( "," At-domain ); At-domain = "@" Domain
            do
            {
                if (!reader.IsNext((byte)'@', advancePast: true) || !TrySkipDomain(ref reader))
                    return false;
            }
            while (reader.IsNext((byte)',', advancePast: true));
            if (!reader.IsNext((byte)':', advancePast: true))
                return false;
        }

        var start = reader.Position;
        var startConsumed = reader.Consumed;
        if (!TrySkipLocalPart(ref reader))
            return false;
        var localLength = reader.Consumed - startConsumed;
        if (localLength > MaxLocalPart)
            return false;
        if (!reader.IsNext((byte)'@', advancePast: true))
        {
            // §4.5.1: "Postmaster" without a domain must be accepted as a recipient.
            var local = reader.Sequence.Slice(start, reader.Position);
            if (!allowPostmaster || !EqualsIgnoreCase(local, "postmaster"u8) || bracketed && !reader.IsNext((byte)'>', advancePast: true))
                return false;
            path = new MailPath("postmaster");
            return true;
        }
        var domainStart = reader.Consumed;
        if (!(reader.IsNext((byte)'[') ? TrySkipAddressLiteral(ref reader) : TrySkipDomain(ref reader)))
            return false;
        if (reader.Consumed - domainStart > MaxDomain || reader.Consumed - startConsumed > MaxPath - 2)
            return false;
        var mailbox = reader.Sequence.Slice(start, reader.Position);
        if (bracketed && !reader.IsNext((byte)'>', advancePast: true))
            return false;
        path = new MailPath(Encoding.UTF8.GetString(mailbox));
        return true;
    }

    /// <summary>Local-part = Dot-string / Quoted-string.</summary>
    private static bool TrySkipLocalPart(ref SequenceReader<byte> reader)
    {
        if (reader.IsNext((byte)'"', advancePast: true))
        {
            // QcontentSMTP = qtextSMTP / quoted-pairSMTP; qtextSMTP = %d32-33 / %d35-91 / %d93-126 / UTF8-non-ascii
            while (reader.TryRead(out var b))
            {
                if (b == '"')
                    return true;
                if (b == '\\')
                {
                    if (!reader.TryRead(out var escaped) || escaped is < 32 or > 126)
                        return false;
                }
                else if (b < 32 || b == 127)
                {
                    return false;
                }
            }
            return false;
        }
        // Dot-string = Atom *("." Atom)
        var atoms = 0;
        do
        {
            var length = 0;
            while (reader.TryPeek(out var b) && IsAtext(b))
            {
                reader.Advance(1);
                length++;
            }
            if (length == 0)
                return false;
            atoms++;
        }
        while (reader.IsNext((byte)'.', advancePast: true));
        return atoms > 0;
    }

    /// <summary>Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str], or a U-label (RFC 6531 §3.3).</summary>
    private static bool TrySkipDomain(ref SequenceReader<byte> reader)
    {
        do
        {
            var length = 0;
            byte last = 0;
            while (reader.TryPeek(out var b) && (IsLetDig(b) || b == '-' || b >= 0x80))
            {
                if (length == 0 && b == '-')
                    return false;
                last = b;
                reader.Advance(1);
                length++;
            }
            if (length is 0 or > 63 || last == '-')
                return false;
        }
        while (reader.IsNext((byte)'.', advancePast: true));
        return true;
    }

    /// <summary>
    /// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]". General-address-literal
    /// needs a Standardized-tag registered with IANA; the only one is IPv6, so any other tag is refused.
    /// </summary>
    private static bool TrySkipAddressLiteral(ref SequenceReader<byte> reader)
    {
        reader.Advance(1);
        var start = reader.Position;
        if (!reader.TryAdvanceTo((byte)']', advancePastDelimiter: false))
            return false;
        var literal = reader.Sequence.Slice(start, reader.Position);
        reader.Advance(1);
        if (literal.Length is 0 or > 64)
            return false;
        var text = Encoding.ASCII.GetString(literal);
        if (text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            return text.Skip(5).All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
                && System.Net.IPAddress.TryParse(text[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return text.All(c => char.IsAsciiDigit(c) || c == '.') && text.Count(c => c == '.') == 3
            && System.Net.IPAddress.TryParse(text, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
    }

    /// <summary>esmtp-param = esmtp-keyword ["=" esmtp-value]; keyword (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); value 1*(%d33-60 / %d62-126 / UTF-8).</summary>
    private static bool TryReadParameter(ref SequenceReader<byte> reader, out EsmtpParameter parameter)
    {
        parameter = default;
        var start = reader.Position;
        var length = 0;
        while (reader.TryPeek(out var b) && (IsLetDig(b) || length > 0 && b == '-'))
        {
            reader.Advance(1);
            length++;
        }
        if (length == 0)
            return false;
        var keyword = Encoding.ASCII.GetString(reader.Sequence.Slice(start, reader.Position)).ToUpperInvariant();
        if (!reader.IsNext((byte)'=', advancePast: true))
        {
            parameter = new EsmtpParameter(keyword, null);
            return reader.End || reader.IsNext((byte)' ');
        }
        var valueStart = reader.Position;
        var valueLength = 0;
        while (reader.TryPeek(out var b) && (b is >= 33 and <= 126 && b != '=' || b >= 0x80))
        {
            reader.Advance(1);
            valueLength++;
        }
        if (valueLength == 0 || !reader.End && !reader.IsNext((byte)' '))
            return false;
        parameter = new EsmtpParameter(keyword, Encoding.UTF8.GetString(reader.Sequence.Slice(valueStart, reader.Position)));
        return true;
    }

    private static string Rest(ref SequenceReader<byte> reader)
    {
        var text = Encoding.UTF8.GetString(reader.UnreadSequence).Trim(' ');
        reader.AdvanceToEnd();
        return text;
    }

    private static string ReadWord(ref SequenceReader<byte> reader)
    {
        var start = reader.Position;
        while (reader.TryPeek(out var b) && b != ' ')
            reader.Advance(1);
        return Encoding.UTF8.GetString(reader.Sequence.Slice(start, reader.Position));
    }

    private static void SkipSpaces(ref SequenceReader<byte> reader)
    {
        while (reader.IsNext((byte)' ', advancePast: true))
        {
        }
    }

    private static bool IsNextIgnoreCase(ref SequenceReader<byte> reader, ReadOnlySpan<byte> expected)
    {
        Span<byte> actual = stackalloc byte[expected.Length];
        if (!reader.TryCopyTo(actual) || !Ascii.EqualsIgnoreCase(actual, expected))
            return false;
        reader.Advance(expected.Length);
        return true;
    }

    private static bool EqualsIgnoreCase(ReadOnlySequence<byte> actual, ReadOnlySpan<byte> expected)
    {
        if (actual.Length != expected.Length)
            return false;
        Span<byte> copy = stackalloc byte[expected.Length];
        actual.CopyTo(copy);
        return Ascii.EqualsIgnoreCase(copy, expected);
    }

    private static bool IsValidUtf8(ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
            return System.Text.Unicode.Utf8.IsValid(line.FirstSpan);
        var bytes = line.Length <= 1024 ? stackalloc byte[(int)line.Length] : new byte[line.Length];
        line.CopyTo(bytes);
        return System.Text.Unicode.Utf8.IsValid(bytes);
    }

    private static bool IsLetDig(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9';

    /// <summary>RFC 5322 atext, plus UTF-8 (RFC 6531 §3.3).</summary>
    private static bool IsAtext(byte b) => IsLetDig(b) || b >= 0x80 || b switch
    {
        (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+' or (byte)'-'
            or (byte)'/' or (byte)'=' or (byte)'?' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'{' or (byte)'|' or (byte)'}' or (byte)'~' => true,
        _ => false,
    };

    internal static string Name(SmtpVerb verb) => verb == SmtpVerb.StartTls ? "STARTTLS" : verb.ToString().ToUpperInvariant();
}
