using System.Text;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Imap.Support;

/// <summary>Mail delivered "by another surface": straight through the mailbox core, as SMTP and the API do.</summary>
public static class ImapTestData
{
    public static async Task<MessageRecord> DeliverAsync(this ImapTestServer server, Grant grant, string subject = "Hello",
        string role = "inbox", string body = "Hi there.", MessageFlags flags = MessageFlags.None, string? messageId = null,
        string from = "sender@example.com", string? inReplyTo = null, IReadOnlyList<string>? references = null,
        DateTimeOffset? internalDate = null, IReadOnlyList<string>? keywords = null)
    {
        var folder = await server.Mailbox.FolderAsync(grant.Id, role);
        var content = TestMessages.Create(subject, messageId, inReplyTo, references, from: from, body: body);
        var result = await server.Mailbox.Messages.AppendAsync(grant.Id, folder.Id, content,
            new AppendOptions { Flags = flags, InternalDate = internalDate, Keywords = keywords ?? [] }, CancellationToken.None);
        return result.Message;
    }

    public static async Task<MessageRecord> DeliverRawAsync(this ImapTestServer server, Grant grant, string raw, string role = "inbox")
    {
        var folder = await server.Mailbox.FolderAsync(grant.Id, role);
        var result = await server.Mailbox.Messages.AppendAsync(grant.Id, folder.Id, MessageContentReader.Read(Encoding.UTF8.GetBytes(raw)),
            new AppendOptions(), CancellationToken.None);
        return result.Message;
    }

    /// <summary>A multipart message with a text part, an HTML part and a base64 attachment holding a NUL.</summary>
    public const string Multipart =
        "From: Alice <alice@example.com>\r\n" +
        "To: Bob <bob@example.org>\r\n" +
        "Subject: Report\r\n" +
        "Date: Mon, 07 Feb 1994 21:52:25 -0800\r\n" +
        "Message-ID: <report-1@example.com>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: quoted-printable\r\n" +
        "\r\n" +
        "Caf=C3=A9 ready.\r\n" +
        "--b1\r\n" +
        "Content-Type: application/octet-stream; name=\"data.bin\"\r\n" +
        "Content-Disposition: attachment; filename=\"data.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "\r\n" +
        "AAECAw==\r\n" +
        "--b1--\r\n";
}
