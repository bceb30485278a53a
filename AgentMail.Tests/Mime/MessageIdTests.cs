using AgentMail.Mime.Headers;
using AgentMail.Mime.Summary;

namespace AgentMail.Tests.Mime;

public class MessageIdTests
{
    [Theory]
    [InlineData("<a@b>", "a@b")]
    [InlineData("<a@b> <c@d>\r\n <e@f>", "a@b,c@d,e@f")]
    [InlineData("  < a@b >", "a@b")]
    [InlineData("junk <a@b> (comment <x@y>)", "a@b")]
    [InlineData("Your message of \"Mon, <x@y>\" <a@b>", "a@b")]
    [InlineData("8787KJKJ3K4J3K4J3K4J3.mail@example.net", "8787KJKJ3K4J3K4J3K4J3.mail@example.net")]
    [InlineData("<a@b", "a@b")]
    [InlineData("", "")]
    [InlineData("no ids here", "")]
    public void ParsesIdLists(string value, string expected) => Assert.Equal(expected, string.Join(",", MessageIds.ParseList(value)));

    [Theory]
    [InlineData("Re: hello", "hello")]
    [InlineData("RE: [foo] Re: hello (fwd)", "hello")]
    [InlineData("[fwd: Re: test]", "test")]
    [InlineData("Fwd: [list] Subject", "Subject")]
    [InlineData("[list]", "[list]")]
    [InlineData("=?utf-8?q?Re:_caf=C3=A9?=", "caf\u00e9")]
    [InlineData("Re: Re: Re:", "")]
    [InlineData("Fw: fwd: FW :test", "test")]
    [InlineData("  spaced \t  out  ", "spaced out")]
    [InlineData("Re:[x] [y] real subject", "real subject")]
    [InlineData("Regarding the plan", "Regarding the plan")]
    [InlineData("", "")]
    public void ComputesRfc5256BaseSubject(string subject, string expected) => Assert.Equal(expected, BaseSubject.Compute(subject));
}
