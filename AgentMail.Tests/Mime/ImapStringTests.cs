using System.Buffers;
using System.Text;
using AgentMail.Mime.Imap;

namespace AgentMail.Tests.Mime;

/// <summary>The IMAP string (RFC 9051 §4.3) that the MIME formatter and the server's responses share.</summary>
public sealed class ImapStringTests
{
    [Theory]
    [InlineData("", false, "\"\"")]
    [InlineData("plain text", false, "\"plain text\"")]
    [InlineData("say \"hi\" \\ bye", false, "\"say \\\"hi\\\" \\\\ bye\"")]
    [InlineData("two\r\nlines", false, "{10}\r\ntwo\r\nlines")]
    [InlineData("tab\there", false, "{8}\r\ntab\there")]
    [InlineData("del\u007f", false, "{4}\r\ndel\u007f")]
    [InlineData("Grüße", false, "{7}\r\nGrüße")]
    [InlineData("Grüße", true, "\"Grüße\"")]
    [InlineData("nul\0gone", false, "{7}\r\nnulgone")]
    public void Writes_a_quoted_string_or_a_literal(string value, bool utf8, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        var written = ImapString.Write(output, Encoding.UTF8.GetBytes(value), utf8);
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(output.WrittenCount, written);
    }

    [Fact]
    public void Quoted_up_to_1024_bytes_and_a_literal_beyond_and_for_invalid_UTF8()
    {
        var output = new ArrayBufferWriter<byte>();
        ImapString.Write(output, Encoding.ASCII.GetBytes(new string('a', 1024)));
        Assert.Equal('"', (char)output.WrittenSpan[0]);

        output.Clear();
        ImapString.Write(output, Encoding.ASCII.GetBytes(new string('a', 1025)));
        Assert.StartsWith("{1025}\r\naaa", Encoding.ASCII.GetString(output.WrittenSpan));

        output.Clear();
        ImapString.Write(output, [0x61, 0xC3], utf8: true); // a truncated UTF-8 sequence
        Assert.Equal([(byte)'{', (byte)'2', (byte)'}', 13, 10, 0x61, 0xC3], output.WrittenSpan.ToArray());
    }
}
