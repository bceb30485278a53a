using AgentMail.Api;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Paging;
using Microsoft.Extensions.Options;

namespace AgentMail.Tests.Api;

/// <summary>Page tokens are opaque and tamper-evident: only our own, for the same scope, are accepted.</summary>
public sealed class PageTokenTests
{
    private static readonly PageTokens Tokens = new(Options.Create(new ApiOptions { Keys = ["key-one"] }));

    [Fact]
    public void A_token_round_trips_its_position_within_its_scope()
    {
        var position = PagePositions.Keyset(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), Guid.Parse("0195f7a2-1111-7000-8000-000000000001"));
        var token = Tokens.Create("messages|grant-a|in=inbox", position);

        var read = Tokens.Read(token, "messages|grant-a|in=inbox", PagePositions.KeysetLength);

        Assert.Equal(position, read);
        var (time, id) = PagePositions.ReadKeyset(read);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), time);
        Assert.Equal(Guid.Parse("0195f7a2-1111-7000-8000-000000000001"), id);
        Assert.DoesNotContain("grant-a", token);
        Assert.True(token.Length < 80);
    }

    [Fact]
    public void No_token_is_the_first_page() => Assert.Null(Tokens.Read(null, "s", 4));

    [Fact]
    public void Another_scope_another_key_or_a_changed_byte_is_refused()
    {
        var token = Tokens.Create("messages|grant-a|", PagePositions.Offset(50));
        var otherKey = new PageTokens(Options.Create(new ApiOptions { Keys = ["key-two"] }));

        Assert.Equal(400, Assert.Throws<ApiException>(() => Tokens.Read(token, "messages|grant-b|", PagePositions.OffsetLength)).StatusCode);
        Assert.Throws<ApiException>(() => Tokens.Read(token, "messages|grant-a|unread=true", PagePositions.OffsetLength));
        Assert.Throws<ApiException>(() => otherKey.Read(token, "messages|grant-a|", PagePositions.OffsetLength));
        Assert.Throws<ApiException>(() => Tokens.Read(token, "messages|grant-a|", PagePositions.KeysetLength));
        for (var i = 0; i < token.Length; i++)
        {
            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Throws<ApiException>(() => Tokens.Read(altered, "messages|grant-a|", PagePositions.OffsetLength));
        }
        Assert.Throws<ApiException>(() => Tokens.Read(token[..^1], "messages|grant-a|", PagePositions.OffsetLength));
        Assert.Throws<ApiException>(() => Tokens.Read("not base64 !!", "messages|grant-a|", PagePositions.OffsetLength));
        // The same bytes spelled otherwise (whitespace the decoder would skip) are not our token either.
        Assert.Throws<ApiException>(() => Tokens.Read(token[..5] + "\r\n " + token[5..], "messages|grant-a|", PagePositions.OffsetLength));
    }

    [Fact]
    public void An_over_long_token_is_refused_before_decoding()
    {
        var error = Assert.Throws<ApiException>(() => Tokens.Read(new string('A', PageTokens.MaxLength + 1), "s", 4));
        Assert.Equal("'page_token' is too long (257 characters; tokens we issue are at most 256).", error.Message);
    }

    [Fact]
    public void A_configured_secret_is_shared_by_replicas_whatever_their_keys()
    {
        var a = new PageTokens(Options.Create(new ApiOptions { Keys = ["one"], PageTokenSecret = "shared" }));
        var b = new PageTokens(Options.Create(new ApiOptions { Keys = ["two"], PageTokenSecret = "shared" }));
        Assert.Equal(PagePositions.Offset(7), b.Read(a.Create("x", PagePositions.Offset(7)), "x", PagePositions.OffsetLength));
    }
}
