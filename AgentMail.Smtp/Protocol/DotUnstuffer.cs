using System.Buffers;

namespace AgentMail.Smtp.Protocol;

/// <summary>
/// Receives DATA (RFC 5321 §4.1.1.4): removes the leading period that the client doubled on
/// every line beginning with one (transparency, §4.5.2) and stops at the end-of-data indication
/// CRLF "." CRLF, whose first CRLF ends the message's last line and so stays in the message.
/// Works chunk by chunk as bytes arrive, with its state carried across chunks.
/// Only CRLF ends a line (§2.3.8): a bare LF or CR is content, never the start of "." CRLF, so
/// "\n.\n"-style end markers cannot smuggle a second message (the SMTP smuggling attacks); they
/// are noted in <see cref="BareLineEnding"/> for the caller to refuse the message.
/// </summary>
public struct DotUnstuffer
{
    private enum State : byte
    {
        LineStart,
        Text,
        Cr,
        Dot,
        DotCr,
    }

    private State _state;

    public bool Completed { get; private set; }

    /// <summary>A CR not followed by LF, or an LF not preceded by CR, was seen.</summary>
    public bool BareLineEnding { get; private set; }

    public bool ContainsNul { get; private set; }

    /// <summary>
    /// Feeds <paramref name="input"/>; writes the unstuffed message bytes to <paramref name="output"/>
    /// and returns the position after the last byte consumed: the end of the input, or right after
    /// the end-of-data indication once <see cref="Completed"/> (what follows is the next command).
    /// </summary>
    public SequencePosition Process(ReadOnlySequence<byte> input, MessageBuffer output)
    {
        long consumed = 0;
        foreach (var segment in input)
        {
            var span = segment.Span;
            var used = Process(span, output);
            consumed += used;
            if (Completed)
                return input.GetPosition(consumed);
        }
        return input.End;
    }

    /// <summary>Span form of <see cref="Process(ReadOnlySequence{byte}, MessageBuffer)"/>; returns the octets consumed.</summary>
    public int Process(ReadOnlySpan<byte> span, MessageBuffer output)
    {
        var i = 0;
        while (i < span.Length && !Completed)
        {
            switch (_state)
            {
                case State.Text:
                {
                    // Copy the run up to the next interesting octet in one go.
                    var run = span[i..].IndexOfAny((byte)'\r', (byte)'\n', (byte)0);
                    if (run < 0)
                    {
                        output.Write(span[i..]);
                        return span.Length;
                    }
                    output.Write(span.Slice(i, run));
                    i += run;
                    var b = span[i++];
                    output.Write([b]);
                    if (b == '\r')
                        _state = State.Cr;
                    else if (b == '\n')
                        BareLineEnding = true; // a bare LF is not a line end: stay in the line
                    else
                        ContainsNul = true;
                    break;
                }
                case State.Cr:
                {
                    var b = span[i];
                    if (b == '\n')
                    {
                        output.Write("\n"u8);
                        i++;
                        _state = State.LineStart;
                    }
                    else
                    {
                        BareLineEnding = true;
                        _state = State.Text; // reprocess b as text
                    }
                    break;
                }
                case State.LineStart:
                {
                    if (span[i] == '.')
                    {
                        i++;
                        _state = State.Dot; // held back: stuffing, or the end of data
                    }
                    else
                    {
                        _state = State.Text;
                    }
                    break;
                }
                case State.Dot:
                {
                    if (span[i] == '\r')
                    {
                        i++;
                        _state = State.DotCr;
                    }
                    else
                    {
                        _state = State.Text; // the held period was stuffing: dropped
                    }
                    break;
                }
                case State.DotCr:
                {
                    if (span[i] == '\n')
                    {
                        i++;
                        Completed = true;
                    }
                    else
                    {
                        // "." CR x: the period was stuffing, the CR is content.
                        output.Write("\r"u8);
                        _state = State.Cr;
                    }
                    break;
                }
            }
        }
        return i;
    }
}
