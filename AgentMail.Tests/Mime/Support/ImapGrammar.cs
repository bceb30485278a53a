namespace AgentMail.Tests.Mime.Support;

/// <summary>
/// A strict validator of the RFC 9051 §9 productions a server emits for BODYSTRUCTURE, BODY and
/// ENVELOPE: body (with or without extension data), envelope, address, nstring, string
/// (quoted with only printable ASCII, or a synchronizing literal of CHAR8), number, nil.
/// SP is exactly one space. Used by the tests and the fuzzer to prove the output is valid IMAP.
/// </summary>
internal sealed class ImapGrammar
{
    private readonly byte[] _input;
    private readonly bool _extensible;
    private readonly bool _rev1;
    private int _pos;

    private ImapGrammar(byte[] input, bool extensible, bool rev1 = false)
    {
        _input = input;
        _extensible = extensible;
        _rev1 = rev1;
    }

    public string? Error { get; private set; }

    /// <summary>
    /// Validates a whole BODYSTRUCTURE (extensible) or BODY value; null when valid. With
    /// <paramref name="rev1"/> the RFC 3501 grammar applies, where only MESSAGE/RFC822 is a message.
    /// </summary>
    public static string? ValidateBody(byte[] input, bool extensible = true, bool rev1 = false)
    {
        var g = new ImapGrammar(input, extensible, rev1);
        return g.Run(() => g.Body(0));
    }

    public static string? ValidateEnvelope(byte[] input)
    {
        var g = new ImapGrammar(input, extensible: true);
        return g.Run(g.Envelope);
    }

    private string? Run(Action rule)
    {
        try
        {
            rule();
            if (_pos != _input.Length) Fail("trailing data");
            return null;
        }
        catch (GrammarException e)
        {
            return e.Message;
        }
    }

    private sealed class GrammarException(string message) : Exception(message);

    private void Fail(string what) =>
        throw new GrammarException($"{what} at offset {_pos}: '{System.Text.Encoding.Latin1.GetString(_input, _pos, Math.Min(40, _input.Length - _pos))}'");

    private byte Peek() => _pos < _input.Length ? _input[_pos] : (byte)0;

    private void Expect(byte b)
    {
        if (Peek() != b || _pos >= _input.Length) Fail($"expected '{(char)b}'");
        _pos++;
    }

    private void Sp() => Expect((byte)' ');

    private bool TryNil()
    {
        if (_pos + 3 <= _input.Length && _input[_pos] == 'N' && _input[_pos + 1] == 'I' && _input[_pos + 2] == 'L')
        {
            _pos += 3;
            return true;
        }
        return false;
    }

    // body = "(" (body-type-1part / body-type-mpart) ")"
    private void Body(int depth)
    {
        if (depth > 2000) Fail("nesting too deep");
        Expect((byte)'(');
        if (Peek() == '(')
        {
            // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            while (Peek() == '(') Body(depth + 1);
            Sp();
            String();
            if (_extensible && Peek() == ' ')
            {
                Sp();
                BodyFldParam();
                ExtensionTail();
            }
        }
        else
        {
            var (typeQuoted, type) = String();
            Sp();
            var (subtypeQuoted, subtype) = String();
            var isText = typeQuoted && type.Equals("TEXT", StringComparison.OrdinalIgnoreCase);
            var isMessage = typeQuoted && subtypeQuoted && type.Equals("MESSAGE", StringComparison.OrdinalIgnoreCase) &&
                            (subtype.Equals("RFC822", StringComparison.OrdinalIgnoreCase) || (!_rev1 && subtype.Equals("GLOBAL", StringComparison.OrdinalIgnoreCase)));
            Sp();
            BodyFields();
            if (isMessage)
            {
                Sp();
                Envelope();
                Sp();
                Body(depth + 1);
                Sp();
                Number(long.MaxValue);
            }
            else if (isText)
            {
                Sp();
                Number(long.MaxValue);
            }
            if (_extensible && Peek() == ' ')
            {
                // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc ...]]]
                Sp();
                NString();
                ExtensionTail();
            }
        }
        Expect((byte)')');
    }

    // [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
    private void ExtensionTail()
    {
        if (Peek() != ' ') return;
        Sp();
        BodyFldDsp();
        if (Peek() != ' ') return;
        Sp();
        BodyFldLang();
        if (Peek() != ' ') return;
        Sp();
        NString();
        while (Peek() == ' ')
        {
            Sp();
            BodyExtension(0);
        }
    }

    private void BodyExtension(int depth)
    {
        if (depth > 100) Fail("extension too deep");
        if (Peek() == '(')
        {
            _pos++;
            BodyExtension(depth + 1);
            while (Peek() == ' ')
            {
                Sp();
                BodyExtension(depth + 1);
            }
            Expect((byte)')');
        }
        else if (char.IsAsciiDigit((char)Peek())) Number(long.MaxValue);
        else NString();
    }

    // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
    private void BodyFields()
    {
        BodyFldParam();
        Sp();
        NString();
        Sp();
        NString();
        Sp();
        String();
        Sp();
        Number(uint.MaxValue);
    }

    // body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
    private void BodyFldParam()
    {
        if (TryNil()) return;
        Expect((byte)'(');
        String();
        Sp();
        String();
        while (Peek() == ' ')
        {
            Sp();
            String();
            Sp();
            String();
        }
        Expect((byte)')');
    }

    // body-fld-dsp = "(" string SP body-fld-param ")" / nil
    private void BodyFldDsp()
    {
        if (TryNil()) return;
        Expect((byte)'(');
        String();
        Sp();
        BodyFldParam();
        Expect((byte)')');
    }

    // body-fld-lang = nstring / "(" string *(SP string) ")"
    private void BodyFldLang()
    {
        if (Peek() != '(')
        {
            NString();
            return;
        }
        _pos++;
        String();
        while (Peek() == ' ')
        {
            Sp();
            String();
        }
        Expect((byte)')');
    }

    // envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
    private void Envelope()
    {
        Expect((byte)'(');
        NString();
        Sp();
        NString();
        for (var i = 0; i < 6; i++)
        {
            Sp();
            AddressList();
        }
        Sp();
        NString();
        Sp();
        NString();
        Expect((byte)')');
    }

    // "(" 1*address ")" / nil
    private void AddressList()
    {
        if (TryNil()) return;
        Expect((byte)'(');
        Address();
        while (Peek() == '(') Address();
        Expect((byte)')');
    }

    // address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
    private void Address()
    {
        Expect((byte)'(');
        NString();
        Sp();
        NString();
        Sp();
        NString();
        Sp();
        NString();
        Expect((byte)')');
    }

    private void NString()
    {
        if (!TryNil()) String();
    }

    /// <summary>string = quoted / literal; returns whether quoted and the text.</summary>
    private (bool Quoted, string Text) String()
    {
        if (Peek() == '"')
        {
            _pos++;
            var text = new System.Text.StringBuilder();
            while (true)
            {
                if (_pos >= _input.Length) Fail("unterminated quoted string");
                var b = _input[_pos++];
                if (b == '"') return (true, text.ToString());
                if (b == '\\')
                {
                    if (_pos >= _input.Length || _input[_pos] is not ((byte)'"' or (byte)'\\')) Fail("bad quoted-pair");
                    text.Append((char)_input[_pos++]);
                    continue;
                }
                // TEXT-CHAR: any CHAR (1-127) except CR and LF; we also refuse 8-bit and controls.
                if (b is < 0x20 or > 0x7E) Fail($"byte 0x{b:X2} in quoted string");
                text.Append((char)b);
            }
        }
        if (Peek() == '{')
        {
            _pos++;
            var length = Number(long.MaxValue);
            Expect((byte)'}');
            Expect((byte)'\r');
            Expect((byte)'\n');
            if (length > _input.Length - _pos) Fail("literal longer than the data");
            var content = _input.AsSpan(_pos, (int)length);
            if (content.IndexOf((byte)0) >= 0) Fail("NUL in literal");
            _pos += (int)length;
            return (false, System.Text.Encoding.UTF8.GetString(content));
        }
        Fail("expected a string");
        return default;
    }

    private long Number(long max)
    {
        var start = _pos;
        long value = 0;
        while (char.IsAsciiDigit((char)Peek()))
        {
            value = value * 10 + (_input[_pos++] - '0');
            if (value > max || _pos - start > 19) Fail("number out of range");
        }
        if (_pos == start) Fail("expected a number");
        return value;
    }
}
