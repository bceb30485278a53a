using System.Net;
using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>/attachments: metadata, and downloads of the decoded bytes with curl.</summary>
public sealed class AttachmentTests
{
    [Fact]
    public async Task Metadata_is_the_attachment_object_of_the_message()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("file", attachment: ("plan.pdf", "application/pdf", new byte[1234])));
        var attachment = message.Attachments.Single();

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/attachments/{attachment.Id}?message_id={message.Id}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(attachment.Id, response.Data["id"]!.GetValue<string>());
        Assert.Equal(grant.Id.ToString(), response.Data["grant_id"]!.GetValue<string>());
        Assert.Equal("plan.pdf", response.Data["filename"]!.GetValue<string>());
        Assert.Equal(1234, response.Data["size"]!.GetValue<long>());
        Assert.False(response.Data["is_inline"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_binary_download_with_curl_is_the_decoded_bytes_with_its_type_and_name()
    {
        var server = await ApiServer.GetAsync();
        var grant = await Seed.GrantAsync(server);
        var bytes = new byte[1_500_000];
        new Random(42).NextBytes(bytes);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("big", attachment: ("Übersicht 2026.pdf", "application/pdf", bytes)));
        var attachment = message.Attachments.Single();

        var result = await Curl.RunAsync("-H", $"Authorization: Bearer {ApiServer.ApiKey}",
            new Uri(server.BaseAddress, $"/v3/grants/{grant.Email}/attachments/{attachment.Id}/download?message_id={message.Id}").ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(200, result.Status);
        Assert.Equal(bytes, result.Body);
        Assert.Equal("application/pdf", result.Headers["Content-Type"]);
        Assert.Equal(bytes.Length.ToString(), result.Headers["Content-Length"]);
        Assert.Equal("nosniff", result.Headers["X-Content-Type-Options"]);
        var disposition = result.Headers["Content-Disposition"];
        Assert.StartsWith("attachment; filename=", disposition);
        Assert.Contains("filename*=UTF-8''%C3%9Cbersicht%202026.pdf", disposition);
    }

    [Fact]
    public async Task A_quoted_printable_text_attachment_is_decoded_with_its_charset()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var raw = "From: a@example.com\r\nTo: agent@agentmail.test\r\nSubject: qp\r\nMIME-Version: 1.0\r\n" +
                  "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n" +
                  "--b\r\nContent-Type: text/csv; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n" +
                  "Content-Disposition: attachment; filename=\"prices.csv\"\r\n\r\nname,price\r\ncaf=E9,3=\r\n.50\r\n--b--\r\n";
        var message = await Seed.AppendAsync(server, grant.Id, MessageContentReader.Read(Encoding.ASCII.GetBytes(raw)));
        var attachment = message.Attachments.Single();

        using var response = await client.GetAsync($"/v3/grants/{grant.Id}/attachments/{attachment.Id}/download?message_id={message.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=iso-8859-1", response.Content.Headers.ContentType!.ToString());
        Assert.Equal([.. "name,price\r\ncaf"u8, 0xE9, .. ",3.50"u8], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("prices.csv", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
    }

    [Theory]
    [InlineData("/attachments/2/download", 400, "'message_id' is required: the id of the message the attachment belongs to.")]
    [InlineData("/attachments/2", 400, "'message_id' is required: the id of the message the attachment belongs to.")]
    [InlineData("/attachments/9/download?message_id={message}", 404, "Attachment '9' not found on that message.")]
    [InlineData("/attachments/1/download?message_id={message}", 404, "Attachment '1' not found on that message.")]
    [InlineData("/attachments/2/download?message_id=00000000-0000-0000-0000-000000000000", 404, "Message '00000000-0000-0000-0000-000000000000' not found.")]
    [InlineData("/attachments/2/download?message_id=garbage", 404, "Message 'garbage' not found.")]
    public async Task Bad_attachment_requests_are_refused(string path, int status, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var stored = await Seed.AppendAsync(server, grant.Id, Seed.Message("file", attachment: ("a.bin", "application/octet-stream", [1, 2, 3])));

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}{path.Replace("{message}", stored.Id.ToString())}");

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(message, response.ErrorMessage);
    }
}
