using AgentMail.Mime;
using AgentMail.Mime.Headers;
using AgentMail.Mime.Summary;

namespace AgentMail.Tests.Mime;

public class AddressParserTests
{
    private static string Envelope(string value) => string.Join(" ", AddressParser.Parse(value).Select(a =>
        $"({Q(a.Name)} {Q(a.Route)} {Q(a.Mailbox)} {Q(a.Host)})"));

    private static string Q(string? s) => s is null ? "NIL" : "\"" + s + "\"";

    [Theory]
    // RFC 5322 Appendix A examples.
    [InlineData("\"Joe Q. Public\" <john.q.public@example.com>", "(\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")")]
    [InlineData("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
        "(\"Mary Smith\" NIL \"mary\" \"x.test\") (NIL NIL \"jdoe\" \"example.org\") (\"Who?\" NIL \"one\" \"y.test\")")]
    [InlineData("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
        "(NIL NIL \"boss\" \"nil.test\") (\"Giant; \"Big\" Box\" NIL \"sysservices\" \"example.net\")")]
    [InlineData("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
        "(NIL NIL \"A Group\" NIL) (\"Ed Jones\" NIL \"c\" \"a.test\") (NIL NIL \"joe\" \"where.test\") (\"John\" NIL \"jdoe\" \"one.test\") (NIL NIL NIL NIL)")]
    [InlineData("Undisclosed recipients:;", "(NIL NIL \"Undisclosed recipients\" NIL) (NIL NIL NIL NIL)")]
    [InlineData("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "(\"Pete\" NIL \"pete\" \"silly.test\")")]
    [InlineData("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
        "(NIL NIL \"A Group\" NIL) (\"Chris Jones\" NIL \"c\" \"public.example\") (NIL NIL \"joe\" \"example.org\") (\"John\" NIL \"jdoe\" \"one.test\") (NIL NIL NIL NIL)")]
    // Obsolete syntax (RFC 5322 §4.4).
    [InlineData("<@route1,@route2:user@host>", "(NIL \"@route1,@route2\" \"user\" \"host\")")]
    [InlineData("Joe . Q . Public <joe . public @ example . com>", "(\"Joe . Q . Public\" NIL \"joe.public\" \"example.com\")")]
    [InlineData("a@b.c,,, d@e.f", "(NIL NIL \"a\" \"b.c\") (NIL NIL \"d\" \"e.f\")")]
    // Broken senders.
    [InlineData("John Doe john@example.com", "(\"John Doe\" NIL \"john\" \"example.com\")")]
    [InlineData("abel, bianchi", "(NIL NIL \"abel\" \"\") (NIL NIL \"bianchi\" \"\")")]
    [InlineData("jdoe@example.com (John Doe)", "(\"John Doe\" NIL \"jdoe\" \"example.com\")")]
    [InlineData("jang.abcdef@xyzlinu <jang.abcdef@xyzlinux12345678.it>", "(\"jang.abcdef@xyzlinu\" NIL \"jang.abcdef\" \"xyzlinux12345678.it\")")]
    [InlineData("John <j@x.com", "(\"John\" NIL \"j\" \"x.com\")")]
    [InlineData("g: a@b.c", "(NIL NIL \"g\" NIL) (NIL NIL \"a\" \"b.c\") (NIL NIL NIL NIL)")]
    [InlineData("g1: a@b.c; g2: d@e.f;", "(NIL NIL \"g1\" NIL) (NIL NIL \"a\" \"b.c\") (NIL NIL NIL NIL) (NIL NIL \"g2\" NIL) (NIL NIL \"d\" \"e.f\") (NIL NIL NIL NIL)")]
    [InlineData("<Undisclosed Recipients>", "(NIL NIL \"Undisclosed Recipients\" \"\")")]
    [InlineData("<>", "")]
    [InlineData("Just some words", "")]
    [InlineData("=?utf-8?q?a:b?= <x@y.z>", "(\"=?utf-8?q?a:b?=\" NIL \"x\" \"y.z\")")]
    // Literals, quoting, UTF-8.
    [InlineData("user@[192.168.0.1]", "(NIL NIL \"user\" \"[192.168.0.1]\")")]
    [InlineData("\"john doe\"@example.com", "(NIL NIL \"john doe\" \"example.com\")")]
    [InlineData("J\u00f6rg <j\u00f6rg@ex\u00e4mple.de>", "(\"J\u00f6rg\" NIL \"j\u00f6rg\" \"ex\u00e4mple.de\")")]
    public void ParsesToEnvelopeAddresses(string value, string expected) => Assert.Equal(expected, Envelope(value));

    [Theory]
    [InlineData("=?utf-8?q?J=C3=B6rg?= <j@x.de>", "J\u00f6rg", "j@x.de")]
    [InlineData("\"=?utf-8?q?J=C3=B6rg?=\" <j@x.de>", "J\u00f6rg", "j@x.de")]
    [InlineData("\"john doe\"@example.com", null, "\"john doe\"@example.com")]
    [InlineData("abel", null, "abel")]
    [InlineData("\"Doe, John\" <john@example.com>", "Doe, John", "john@example.com")]
    public void ApiAddressesAreDecoded(string value, string? name, string address)
    {
        var parsed = Assert.Single(Addresses.Parse(value));
        Assert.Equal(new EmailAddress(name, address), parsed);
    }

    [Fact]
    public void GroupsAreFlattenedForTheApi()
    {
        Assert.Equal(["a@b.c", "d@e.f"], Addresses.Parse("g: a@b.c, d@e.f;, empty:;").Select(a => a.Address));
    }

    [Fact]
    public void HostileListsStayBounded()
    {
        var many = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"u{i}@x.y"));
        Assert.Equal(AddressParser.MaxAddresses, AddressParser.Parse(many).Count);
        var comments = new string('(', 100_000) + "a@b.c";
        Assert.Empty(AddressParser.Parse(comments)); // all inside an unterminated comment
    }
}
