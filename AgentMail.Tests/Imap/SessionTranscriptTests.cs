using AgentMail.Tests.Imap.Support;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Imap;

/// <summary>Greeting, capabilities, sign-in, and the basic commands of a session, as exact transcripts.</summary>
public sealed class SessionTranscriptTests
{
    [Fact]
    public async Task Smoke()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        await server.Mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("Hello there"), new(), CancellationToken.None);
        await using var wire = await server.ConnectAsync(grant);
        var list = await wire.ExpectOkAsync("a", "LIST \"\" \"*\"");
        var select = await wire.ExpectOkAsync("b", "SELECT INBOX");
        var fetch = await wire.ExpectOkAsync("c", "FETCH 1 (UID FLAGS ENVELOPE BODY[HEADER.FIELDS (SUBJECT)] BODY[TEXT])");
        Assert.Fail(string.Join("\n", list.Concat(select).Concat(fetch)));
    }
}
