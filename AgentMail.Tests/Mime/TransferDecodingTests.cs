using System.Buffers;
using System.Text;
using AgentMail.Mime.Encodings;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

public class TransferDecodingTests
{
    private static string Decode(string encoded, TransferEncoding encoding) =>
        Encoding.Latin1.GetString(TransferDecoding.Decode(Encoding.Latin1.GetBytes(encoded), encoding));

    [Theory]
    [InlineData("SGVsbG8gV29ybGQ=", "Hello World")]
    [InlineData("SGVsbG8g\r\nV29ybGQ=\r\n", "Hello World")]
    [InlineData("SGVs bG8*gV29y\r\nbGQ", "Hello World")]     // junk ignored, padding missing
    [InlineData("SGVsbG8gV29ybGQ===", "Hello World")]        // too much padding
    [InlineData("QQ==QUI=", "AAB")]                          // concatenated padded blobs
    [InlineData("QUJDR", "ABC")]                             // a lone trailing sextet is dropped
    [InlineData("QU=JD", "A$")]                               // padding in the middle flushes the quantum
    [InlineData("", "")]
    [InlineData("!!!\r\n", "")]
    public void Base64IsTolerant(string encoded, string expected) => Assert.Equal(expected, Decode(encoded, TransferEncoding.Base64));

    [Theory]
    [InlineData("Soft line break=\r\nhere", "Soft line breakhere")]
    [InlineData("=3D=3d", "==")]                              // lower-case hex accepted
    [InlineData("bad =ZZ escape", "bad =ZZ escape")]
    [InlineData("=4", "=4")]
    [InlineData("==41", "=A")]
    [InlineData("trailing spaces   \r\nnext", "trailing spaces\r\nnext")]
    [InlineData("trailing tab\t\r\n", "trailing tab\r\n")]
    [InlineData("trailing at end  ", "trailing at end")]
    [InlineData("soft break with spaces=  \r\nnext", "soft break with spacesnext")]
    [InlineData("lone equals at end=", "lone equals at end")]
    [InlineData("=\nLF soft break", "LF soft break")]
    [InlineData("bare\nLF", "bare\nLF")]
    [InlineData("a=\rb", "ab")]
    [InlineData("= \tnot soft", "= \tnot soft")]
    [InlineData("mid\rcr\r", "mid\rcr\r")]
    [InlineData("caf=E9 cr=C3=A8me", "caf\u00e9 cr\u00c3\u00a8me")]
    [InlineData("inner  spaces kept", "inner  spaces kept")]
    public void QuotedPrintableIsTolerant(string encoded, string expected) => Assert.Equal(expected, Decode(encoded, TransferEncoding.QuotedPrintable));

    [Fact]
    public void OverlongTrailingWhiteSpaceIsPartlyContent()
    {
        // Pending white space is bounded at 64 characters; beyond that it is content.
        Assert.Equal(new string(' ', 100) + "x", Decode(new string(' ', 100) + "x", TransferEncoding.QuotedPrintable));
        Assert.Equal(new string(' ', 64) + "\r\n", Decode(new string(' ', 100) + "\r\n", TransferEncoding.QuotedPrintable));
    }

    [Theory]
    [InlineData(TransferEncoding.SevenBit)]
    [InlineData(TransferEncoding.EightBit)]
    [InlineData(TransferEncoding.Binary)]
    [InlineData(TransferEncoding.Unknown)]
    public void IdentityEncodingsPassThrough(TransferEncoding encoding) =>
        Assert.Equal("a=3D\r\n\0b", Decode("a=3D\r\n\0b", encoding));

    [Theory]
    [InlineData(" base64 ", TransferEncoding.Base64)]
    [InlineData("Quoted-Printable", TransferEncoding.QuotedPrintable)]
    [InlineData("8BIT (comment)", TransferEncoding.EightBit)]
    [InlineData("binary", TransferEncoding.Binary)]
    [InlineData(null, TransferEncoding.SevenBit)]
    [InlineData("", TransferEncoding.SevenBit)]
    [InlineData("x-uuencode", TransferEncoding.Unknown)]
    public void ParsesTransferEncodingNames(string? value, TransferEncoding expected) => Assert.Equal(expected, TransferEncodings.Parse(value));

    [Theory]
    [InlineData(TransferEncoding.Base64)]
    [InlineData(TransferEncoding.QuotedPrintable)]
    public void ChunkedDecodingEqualsWholeDecoding(TransferEncoding encoding)
    {
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var input = new byte[random.Next(0, 400)];
            const string alphabet = "ABCDEFabc012+/= \t\r\n=3D=\r\n-*%";
            for (var i = 0; i < input.Length; i++) input[i] = (byte)alphabet[random.Next(alphabet.Length)];
            var whole = TransferDecoding.Decode(input, encoding);
            Assert.Equal(whole.Length, TransferDecoding.GetDecodedLength(input, encoding));

            var decoder = new ContentDecoder(encoding);
            var output = new ArrayBufferWriter<byte>();
            var position = 0;
            while (position < input.Length)
            {
                var n = Math.Min(input.Length - position, random.Next(1, 9));
                decoder.Decode(input.AsSpan(position, n), output);
                position += n;
            }
            decoder.Finish(output);
            Assert.Equal(whole, output.WrittenSpan.ToArray());

            // The same with CRLF canonicalization (BINARY of text/*), decoded in chunks.
            var canonical = TransferDecoding.Decode(input, encoding, canonicalLineEndings: true);
            Assert.Equal(canonical.Length, TransferDecoding.GetDecodedLength(input, encoding, canonicalLineEndings: true));
            Assert.Equal(Encoding.Latin1.GetString(whole).Replace("\r\n", "\n").Replace('\r', '\n').Replace("\n", "\r\n"), Encoding.Latin1.GetString(canonical));
            var chunked = new ContentDecoder(encoding, canonicalLineEndings: true);
            var chunkedOutput = new ArrayBufferWriter<byte>();
            for (var i = 0; i < input.Length; i += 3) chunked.Decode(input.AsSpan(i, Math.Min(3, input.Length - i)), chunkedOutput);
            chunked.Finish(chunkedOutput);
            Assert.Equal(canonical, chunkedOutput.WrittenSpan.ToArray());
        }
    }

    [Theory]
    [InlineData("a\nb\r\nc\rd", TransferEncoding.SevenBit, 8, 10)]
    [InlineData("YQpiDQpjDWQ=", TransferEncoding.Base64, 8, 10)]                  // base64 of "a\nb\r\nc\rd"
    [InlineData("a=0Ab=0D=0Ac=0Dd", TransferEncoding.QuotedPrintable, 8, 10)]
    [InlineData("end\r", TransferEncoding.SevenBit, 4, 5)]
    public void BinaryOfTextSendsCrlfLineBreaks(string body, TransferEncoding encoding, long decoded, long binary)
    {
        var bytes = Encoding.ASCII.GetBytes(body);
        Assert.Equal(decoded, TransferDecoding.GetDecodedLength(bytes, encoding));
        Assert.Equal(binary, TransferDecoding.GetDecodedLength(bytes, encoding, canonicalLineEndings: true));
        var header = encoding switch
        {
            TransferEncoding.Base64 => "Content-Transfer-Encoding: base64\r\n",
            TransferEncoding.QuotedPrintable => "Content-Transfer-Encoding: quoted-printable\r\n",
            _ => "",
        };
        var message = Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + header + "\r\n" + body + "\r\n--b\r\nContent-Type: application/x-y\r\n" + header + "\r\n" + body + "\r\n--b--\r\n");
        var structure = AgentMail.Mime.MimeParser.Parse(message);
        Assert.Equal((decoded, binary), (structure.FindPart("1")!.DecodedSize, structure.FindPart("1")!.BinarySize));
        Assert.Equal((decoded, decoded), (structure.FindPart("2")!.DecodedSize, structure.FindPart("2")!.BinarySize));
    }

    [Fact]
    public async Task DecodingStreamEqualsDecode()
    {
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        var encoded = Encoding.ASCII.GetBytes(Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks));
        using var stream = TransferDecoding.CreateDecodingStream(new ChunkedStream(encoded, 3, 1000), TransferEncoding.Base64);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());

        using var sync = TransferDecoding.CreateDecodingStream(new MemoryStream(encoded), TransferEncoding.Base64);
        var syncCopy = new MemoryStream();
        sync.CopyTo(syncCopy);
        Assert.Equal(data, syncCopy.ToArray());
    }
}
