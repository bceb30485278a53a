using System.Buffers;
using System.Text;

namespace AgentMail.Smtp.Protocol;

/// <summary>
/// One reply (RFC 5321 §4.2): a code, an enhanced status code (RFC 3463, advertised with
/// ENHANCEDSTATUSCODES per RFC 2034) and text; several <see cref="Lines"/> make a multiline reply.
/// </summary>
public sealed record SmtpReply(int Code, string? Enhanced, params string[] Lines)
{
    public bool IsPositive => Code < 400;
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>Writes "250-first\r\n" ... "250 last\r\n"; the enhanced code prefixes every line.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        for (var i = 0; i < Lines.Length; i++)
        {
            var text = new StringBuilder(8 + Lines[i].Length)
                .Append(Code).Append(i == Lines.Length - 1 ? ' ' : '-');
            if (Enhanced is not null)
                text.Append(Enhanced).Append(' ');
            text.Append(Lines[i]).Append("\r\n");
            Encoding.UTF8.GetBytes(text.ToString(), output);
        }
    }

    public override string ToString() => string.Join("\r\n", Lines.Select((l, i) =>
        $"{Code}{(i == Lines.Length - 1 ? ' ' : '-')}{(Enhanced is null ? "" : Enhanced + " ")}{l}"));
}
