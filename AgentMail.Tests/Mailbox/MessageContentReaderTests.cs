using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Mime;

namespace AgentMail.Tests.Mailbox;

public sealed class MessageContentReaderTests
{
    private const string Message =
        "From: =?UTF-8?Q?Ren=C3=A9e_Dubois?= <renee@example.com>\r\n" +
        "To: Agent <agent@agentmail.test>, other@example.com\r\n" +
        "Cc: boss@example.com\r\n" +
        "Subject: Re: [Ops] =?UTF-8?B?UmFwcG9ydCDDqXTDqQ==?=\r\n" +
        "Message-ID: <abc@example.com>\r\n" +
        "In-Reply-To: <parent@example.com>\r\n" +
        "References: <root@example.com> <parent@example.com>\r\n" +
        "Date: Sat, 21 Nov 2026 10:00:00 +0100\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Voici le rapport d'été.\r\n" +
        "--b1\r\n" +
        "Content-Type: application/pdf; name=\"rapport.pdf\"\r\n" +
        "Content-Disposition: attachment; filename=\"rapport.pdf\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "\r\n" +
        "JVBERi0xLjQK\r\n" +
        "--b1--\r\n";

    [Fact]
    public void Ingest_keeps_everything_the_surfaces_need()
    {
        var raw = Encoding.UTF8.GetBytes(Message);
        var content = MessageContentReader.Read(raw);

        Assert.Equal("Re: [Ops] Rapport été", content.Subject);
        Assert.Equal("rapport été", content.BaseSubject.ToLowerInvariant());
        Assert.Equal("abc@example.com", content.MessageId);
        Assert.Equal("parent@example.com", content.InReplyTo);
        Assert.Equal(["root@example.com", "parent@example.com"], content.References);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero), content.SentDate!.Value.ToUniversalTime());
        Assert.Equal(("Renée Dubois", "renee@example.com"), (content.From[0].Name, content.From[0].Email));
        Assert.Equal(["agent@agentmail.test", "other@example.com"], content.To.Select(p => p.Email));
        Assert.Equal(["from:renee@example.com", "to:agent@agentmail.test", "to:other@example.com", "cc:boss@example.com"], content.AddressKeys());
        Assert.StartsWith("Voici le rapport d'été.", content.Snippet, StringComparison.Ordinal);
        Assert.Contains("Voici le rapport", content.SearchText, StringComparison.Ordinal);
        var attachment = Assert.Single(content.Attachments);
        Assert.Equal(("2", "rapport.pdf", 9L, false), (attachment.Id, attachment.Filename, attachment.Size, attachment.IsInline));
        Assert.True(content.HasAttachments);
        Assert.Equal(raw.Length, content.Size);

        // The stored structure resolves sections against the same bytes; the renderings are IMAP.
        var structure = MessageStructure.FromBytes(content.Structure);
        Assert.Equal(raw.Length, structure.Size);
        Assert.StartsWith("(\"Sat, 21 Nov 2026 10:00:00 +0100\" ", Encoding.UTF8.GetString(content.Envelope), StringComparison.Ordinal);
        Assert.StartsWith("((\"text\" \"plain\" (\"charset\" \"utf-8\")", Encoding.UTF8.GetString(content.BodyStructure), StringComparison.Ordinal);
        Assert.EndsWith(" \"mixed\")", Encoding.UTF8.GetString(content.Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_still_yields_storable_content()
    {
        var raw = new byte[] { 0, 1, 2, 0xff, (byte)'\n', (byte)':', 0 };
        var content = MessageContentReader.Read(raw);
        Assert.Equal("", content.Subject);
        Assert.Null(content.MessageId);
        Assert.DoesNotContain('\0', content.SearchVector); // Postgres refuses NUL in text
        Assert.NotEmpty(content.BodyStructure);
    }
}
