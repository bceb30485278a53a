using System.Net;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Security;

namespace AgentMail.Tests.Webhooks;

/// <summary>Which URLs and addresses a webhook may target (SSRF rules), without any network.</summary>
public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.255.0.9", "a loopback address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("172.16.0.1", "a private address")]
    [InlineData("172.31.255.255", "a private address")]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("169.254.169.254", "a link-local address (cloud metadata lives there)")]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("0.0.0.0", "an unspecified (\"this network\") address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved address")]
    [InlineData("192.0.2.10", "a documentation address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fd00:ec2::254", "a unique local (private) address")]
    [InlineData("fc00::1", "a unique local (private) address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("::ffff:169.254.169.254", "a link-local address (cloud metadata lives there)")]
    [InlineData("64:ff9b::10.0.0.1", "a private address")]
    [InlineData("2002:c0a8:0101::1", "a private address")]
    [InlineData("2001:db8::1", "a documentation address")]
    public void Non_public_addresses_are_refused_and_named(string address, string kind)
    {
        Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address), out var found));
        Assert.Equal(kind, found);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address), out _));

    [Theory]
    [InlineData("https://example.com/hooks", "example.com")]
    [InlineData("http://example.com:8080/hooks?x=1", "example.com")]
    [InlineData("https://[2606:4700::1]/hooks", "2606:4700::1")]
    [InlineData("https://bücher.example/hook", "xn--bcher-kva.example")]
    public void Well_formed_urls_parse(string text, string host)
    {
        Assert.True(WebhookUrlRules.TryParse(text, out var url, out var error), error);
        Assert.Equal(host, WebhookUrlRules.Host(url));
    }

    [Theory]
    [InlineData("", "webhook_url is required.")]
    [InlineData("   ", "webhook_url is required.")]
    [InlineData("/relative/path", "webhook_url is not an absolute URL.")]
    [InlineData("ftp://example.com/x", "webhook_url must use http or https, not ftp.")]
    [InlineData("file:///etc/passwd", "webhook_url must use http or https, not file.")]
    [InlineData("gopher://example.com/", "webhook_url must use http or https, not gopher.")]
    [InlineData("https://user:secret@example.com/hook", "webhook_url must not contain credentials (user:password@).")]
    [InlineData("https://user@example.com/hook", "webhook_url must not contain credentials (user:password@).")]
    public void Malformed_or_unsafe_urls_are_refused_with_a_reason(string text, string expected)
    {
        Assert.False(WebhookUrlRules.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Overlong_urls_are_refused()
    {
        Assert.False(WebhookUrlRules.TryParse("https://example.com/" + new string('a', 2100), out _, out var error));
        Assert.Equal("webhook_url is longer than 2048 characters.", error);
    }

    /// <summary>Found by fuzzing: System.Uri needed a second pass to settle this path; the stored form is the settled one.</summary>
    [Fact]
    public void A_url_is_stored_in_a_form_that_validates_again_as_itself()
    {
        Assert.True(WebhookUrlRules.TryParse("https://example.com/%zz%4E", out var url, out _));
        Assert.Equal("https://example.com/%25zzN", url.AbsoluteUri);
        Assert.True(WebhookUrlRules.TryParse(url.AbsoluteUri, out var again, out _));
        Assert.Equal(url.AbsoluteUri, again.AbsoluteUri);
    }

    /// <summary>A bounded run of the fuzz target (AgentMail.Fuzz webhooks runs it for as long as asked).</summary>
    [Fact]
    public void Mutated_urls_and_random_addresses_keep_every_rule()
    {
        for (var i = 0; i < 20_000; i++)
        {
            var input = WebhookFuzzer.Generate(new Random(unchecked(20261121 * 31 + i * 7919)));
            WebhookFuzzer.Check(input, i);
        }
    }
}
