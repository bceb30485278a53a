using System.Globalization;
using System.IO.Pipelines;
using AgentMail.Mime.Imap;

namespace AgentMail.Imap.Protocol;

/// <summary>
/// Writes responses straight into the connection's <see cref="PipeWriter"/>; nothing reaches
/// the network until <see cref="FlushAsync"/>, which the session calls when it is about to wait
/// for the client (so pipelined commands get their responses in one batch) or when a long
/// response has buffered enough (<see cref="ShouldFlush"/>).
/// </summary>
public sealed class ResponseWriter(PipeWriter output)
{
    /// <summary>Flush a long response (FETCH of many messages) after this much.</summary>
    public const int FlushThreshold = 64 * 1024;

    private long _unflushed;

    public PipeWriter Output => output;

    public bool ShouldFlush => _unflushed >= FlushThreshold;

    public bool HasPending => _unflushed > 0;

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        _unflushed += bytes.Length;
    }

    public void Byte(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
        _unflushed++;
    }

    public void Space() => Byte((byte)' ');

    public void Crlf() => Raw("\r\n"u8);

    /// <summary>ASCII text as is (atoms, keywords); anything else becomes "?".</summary>
    public void Ascii(string text)
    {
        var span = output.GetSpan(text.Length);
        var n = Encoding.ASCII.GetBytes(text, span);
        output.Advance(n);
        _unflushed += n;
    }

    public void Number(long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var n, provider: CultureInfo.InvariantCulture);
        output.Advance(n);
        _unflushed += n;
    }

    public void Number(ulong value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var n, provider: CultureInfo.InvariantCulture);
        output.Advance(n);
        _unflushed += n;
    }

    /// <summary>"* " — the start of an untagged response.</summary>
    public void Untagged() => Raw("* "u8);

    /// <summary>A whole untagged status or data line: "* {text}\r\n".</summary>
    public void UntaggedLine(string text)
    {
        Untagged();
        Ascii(text);
        Crlf();
    }

    /// <summary>A tagged completion: "{tag} {status} [{code}] {text}\r\n".</summary>
    public void Tagged(ReadOnlySpan<byte> tag, string status, string? code, string text)
    {
        Raw(tag);
        Space();
        Ascii(status);
        Space();
        if (code is not null)
        {
            Byte((byte)'[');
            Ascii(code);
            Raw("] "u8);
        }
        Text(text);
        Crlf();
    }

    /// <summary>Human-readable text: ASCII, no control characters (a CR or LF would end the response early).</summary>
    public void Text(string text)
    {
        var span = output.GetSpan(text.Length);
        var n = 0;
        foreach (var c in text) span[n++] = c is >= ' ' and < (char)0x7F ? (byte)c : c < ' ' ? (byte)' ' : (byte)'?';
        output.Advance(n);
        _unflushed += n;
    }

    public void Nil() => Raw("NIL"u8);

    public void NString(string? value, bool utf8 = false)
    {
        if (value is null) Nil();
        else String(value, utf8);
    }

    /// <summary>A string: quoted when it is short and quotable, else a literal.</summary>
    public void String(string value, bool utf8 = false)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 1024)
        {
            Span<byte> buffer = stackalloc byte[max];
            var n = Encoding.UTF8.GetBytes(value, buffer);
            String(buffer[..n], utf8);
            return;
        }
        String(Encoding.UTF8.GetBytes(value), utf8);
    }

    /// <summary>A string from bytes (<see cref="ImapString"/>): UTF-8 may be quoted with <paramref name="utf8"/>, after ENABLE UTF8=ACCEPT.</summary>
    public void String(ReadOnlySpan<byte> value, bool utf8 = false) => _unflushed += ImapString.Write(output, value, utf8);

    /// <summary>astring: an atom when possible, else a string.</summary>
    public void AString(string value, bool utf8 = false)
    {
        if (value.Length > 0 && value.Length < 256 && IsAStringAtom(value)) Ascii(value);
        else String(value, utf8);
    }

    private static bool IsAStringAtom(string value)
    {
        foreach (var c in value)
        {
            if (c >= 0x80 || !ImapChars.IsAStringChar((byte)c)) return false;
        }
        return true;
    }

    public void Literal(ReadOnlySpan<byte> value)
    {
        LiteralHeader(value.Length);
        Raw(value);
    }

    /// <summary>"{n}\r\n" — the data must follow.</summary>
    public void LiteralHeader(long length, bool literal8 = false)
    {
        if (literal8) Byte((byte)'~');
        Byte((byte)'{');
        Number(length);
        Raw("}\r\n"u8);
    }

    /// <summary>Sends what is buffered. Called before waiting for input and during long responses.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_unflushed == 0) return;
        _unflushed = 0;
        var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted) throw new ConnectionClosedException();
    }

    /// <summary>Counts bytes written directly to <see cref="Output"/> (e.g. streamed message data).</summary>
    public void Written(long count) => _unflushed += count;
}

/// <summary>The client went away (or the connection is being torn down): stop the session quietly.</summary>
public sealed class ConnectionClosedException() : Exception("The connection is closed.");
