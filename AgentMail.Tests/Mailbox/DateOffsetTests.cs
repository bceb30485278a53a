using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

/// <summary>
/// Dates with a zone other than UTC — almost every real Date header, and IMAP APPEND's date-time —
/// are stored (as the same instant in UTC) instead of failing the insert.
/// </summary>
public sealed class DateOffsetTests
{
    [Fact]
    public async Task A_Date_header_and_an_internal_date_with_offsets_are_stored_as_the_same_instants()
    {
        await using var harness = await MailboxHarness.CreateAsync();
        var grant = await harness.CreateGrantAsync();
        var inbox = await harness.FolderAsync(grant.Id, "inbox");
        var raw = "From: a@example.com\r\nSubject: Pacific\r\nDate: Mon, 07 Feb 1994 21:52:25 -0800\r\n\r\nHello\r\n";
        var content = MessageContentReader.Read(Encoding.ASCII.GetBytes(raw));
        var internalDate = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

        var result = await harness.Messages.AppendAsync(grant.Id, inbox.Id, content, new AppendOptions { InternalDate = internalDate }, CancellationToken.None);

        var stored = await harness.Messages.GetAsync(grant.Id, result.Message.Id, CancellationToken.None);
        Assert.Equal(new DateTimeOffset(1994, 2, 8, 5, 52, 25, TimeSpan.Zero), stored!.SentDate);
        Assert.Equal(internalDate.UtcDateTime, stored.InternalDate.UtcDateTime);
        Assert.Equal(result.Message.InternalDate, stored.InternalDate);
    }
}
