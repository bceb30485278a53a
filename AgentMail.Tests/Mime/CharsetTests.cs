using AgentMail.Mime.Encodings;

namespace AgentMail.Tests.Mime;

public class CharsetTests
{
    [Theory]
    [InlineData("utf8", 65001)]
    [InlineData("UTF-8", 65001)]
    [InlineData("\"utf-8\"", 65001)]
    [InlineData("latin1", 1252)]
    [InlineData("iso-8859-1", 1252)]
    [InlineData("iso8859-1", 1252)]
    [InlineData("iso-8859-15", 28605)]
    [InlineData("iso8859-2", 28592)]
    [InlineData("windows-1252", 1252)]
    [InlineData("cp1251", 1251)]
    [InlineData("ks_c_5601-1987", 949)]
    [InlineData("euc-kr", 51949)]
    [InlineData("gb2312", 936)]
    [InlineData("gbk", 936)]
    [InlineData("big5", 950)]
    [InlineData("shift_jis", 932)]
    [InlineData("x-sjis", 932)]
    [InlineData("iso-2022-jp", 50220)]
    [InlineData("koi8-r", 20866)]
    [InlineData("us-ascii", 20127)]
    [InlineData("ascii", 20127)]
    public void KnowsCharsetsAndAliases(string label, int codePage) => Assert.Equal(codePage, Charsets.GetEncoding(label)!.CodePage);

    [Theory]
    [InlineData("x-unknown")]
    [InlineData("bogus")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownCharsetsAreNull(string? label) => Assert.Null(Charsets.GetEncoding(label));

    [Theory]
    [InlineData("koi8-r", "f0d2c9d7c5d4", "\u041f\u0440\u0438\u0432\u0435\u0442")]
    [InlineData("windows-1251", "cff0e8e2e5f2", "\u041f\u0440\u0438\u0432\u0435\u0442")]
    [InlineData("shift_jis", "93fa967b", "\u65e5\u672c")]
    [InlineData("gb2312", "d6d0cec4", "\u4e2d\u6587")]
    [InlineData("big5", "a4a4a4e5", "\u4e2d\u6587")]
    [InlineData("iso-8859-15", "a4", "\u20ac")]
    [InlineData("iso-8859-1", "93e992", "\u201c\u00e9\u2019")]   // read as windows-1252 (WHATWG)
    [InlineData("us-ascii", "c3a9", "\u00e9")]                   // lying: really UTF-8
    [InlineData("utf-8", "e9", "\u00e9")]                        // lying: really 8-bit
    [InlineData("utf-8", "c3a9ff", "\u00e9\ufffd")]              // mostly UTF-8, one bad byte
    [InlineData("no-such-charset", "c3a9", "\u00e9")]
    [InlineData("no-such-charset", "e9", "\u00e9")]
    [InlineData(null, "e9", "\u00e9")]
    public void DecodesWithSensibleFallbacks(string? charset, string hex, string expected) =>
        Assert.Equal(expected, Charsets.Decode(Convert.FromHexString(hex), charset));
}
