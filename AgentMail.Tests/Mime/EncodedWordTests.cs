using System.Text;
using AgentMail.Mime.Headers;

namespace AgentMail.Tests.Mime;

public class EncodedWordTests
{
    [Theory]
    // RFC 2047 §8's examples.
    [InlineData("=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\u00e9 Pirard")]
    [InlineData("(=?ISO-8859-1?Q?a?=)", "(a)")]
    [InlineData("(=?ISO-8859-1?Q?a?= b)", "(a b)")]
    [InlineData("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)")]
    [InlineData("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)")]
    [InlineData("(=?ISO-8859-1?Q?a_b?=)", "(a b)")]
    [InlineData("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)")]
    [InlineData("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore")]
    [InlineData("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld J\u00f8rn Simonsen")]
    [InlineData("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=", "If you can read this you understand the example.")]
    // Malformed in the wild.
    [InlineData("=?utf-8?q?a?==?utf-8?q?b?=", "ab")]                                   // no space between words
    [InlineData("foo=?utf-8?q?bar?=baz", "foobarbaz")]                                 // glued to text
    [InlineData("=?utf-8?q?=E2=82?= =?utf-8?q?=AC?=", "\u20ac")]                       // character split across words (Q)
    [InlineData("=?utf-8?b?4oI=?= =?utf-8?b?rA==?=", "\u20ac")]                        // character split across words (B)
    [InlineData("=?utf-8?q?a_b_c=5F?=", "a b c_")]                                     // underscores
    [InlineData("=?utf-8?q?50=%_off=Z1?=", "50=% off=Z1")]                             // bad escapes stay literal
    [InlineData("=?utf-8?b?SGVsbG8?=", "Hello")]                                       // missing padding
    [InlineData("=?utf-8?b?SGV*sbG8=?=", "Hello")]                                     // junk in base64
    [InlineData("=?x-unknown?q?caf=C3=A9?=", "caf\u00e9")]                             // unknown charset, UTF-8 bytes
    [InlineData("=?bogus-charset?q?caf=E9?=", "caf\u00e9")]                            // unknown charset, 8-bit bytes
    [InlineData("=?us-ascii?q?caf=C3=A9?=", "caf\u00e9")]                              // lying charset
    [InlineData("=?utf-8*en?q?hi?=", "hi")]                                            // RFC 2231 language
    [InlineData("=?ks_c_5601-1987?B?x9GxuQ==?=", "\ud55c\uad6d")]                      // Korean alias
    [InlineData("=?ISO-2022-JP?B?GyRCRnxLXDhsJWEhPCVrJUYlOSVIGyhCICh0ZXN0aW5nIEph?= =?ISO-2022-JP?B?cGFuZXNlIGVtYWlscyk=?=", "\u65e5\u672c\u8a9e\u30e1\u30fc\u30eb\u30c6\u30b9\u30c8 (testing Japanese emails)")]
    [InlineData("=?utf-8?x?abc?=", "=?utf-8?x?abc?=")]                                  // not an encoding
    [InlineData("=?utf-8?q?unterminated", "=?utf-8?q?unterminated")]
    [InlineData("=?utf-8?q?a b?=", "=?utf-8?q?a b?=")]                                  // white space inside is not a word
    [InlineData("plain text", "plain text")]
    [InlineData("a =?utf-8?q?b?= c", "a b c")]                                        // spaces next to text are kept
    public void Decodes(string input, string expected) => Assert.Equal(expected, EncodedWords.Decode(input));

    [Fact]
    public void RawUtf8AndLatin1TextIsReadSensibly()
    {
        Assert.Equal("J\u00f6rg", EncodedWords.Decode(Encoding.UTF8.GetBytes("J\u00f6rg")));
        Assert.Equal("J\u00f6rg \u2019", EncodedWords.Decode(new byte[] { (byte)'J', 0xF6, (byte)'r', (byte)'g', (byte)' ', 0x92 }));
    }

    [Fact]
    public void FoldedValuesAreUnfoldedBeforeDecoding()
    {
        Assert.Equal("ab", EncodedWords.DecodeHeaderValue(" =?ISO-8859-1?Q?a?=\r\n   =?ISO-8859-1?Q?b?=\r\n"u8));
        Assert.Equal("a folded line", EncodedWords.DecodeHeaderValue(" a folded\r\n line"u8));
    }
}
