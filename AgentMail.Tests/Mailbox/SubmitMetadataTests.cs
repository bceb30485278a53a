using System.Text.Json.Nodes;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class SubmitMetadataTests
{
    [Fact]
    public async Task Metadata_given_to_submit_is_on_the_sent_copy_and_in_its_created_event()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();

        var submitted = await mailbox.Messages.SubmitAsync(grant.Id, TestMessages.Create("tagged"), grant.Email, ["someone@example.com"],
            new Dictionary<string, string> { ["key1"] = "campaign-7" }, default);

        Assert.Equal("campaign-7", submitted.SentCopy.Metadata["key1"]);
        Assert.Equal("campaign-7", (await mailbox.Messages.GetAsync(grant.Id, submitted.SentCopy.Id, default))!.Metadata["key1"]);
        var created = (await mailbox.EventsAsync(grant.Id)).Single(e => e.Type == "message.created");
        Assert.Equal("campaign-7", JsonNode.Parse(created.Payload)!["metadata"]!["key1"]!.GetValue<string>());
    }
}
