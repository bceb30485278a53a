using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Building;

namespace AgentMail.Tests.Mime;

public class RawMessageTests
{
    private const string Message =
        "Received: from a by b\r\nFrom: x@y.z\r\nBcc: secret@y.z,\r\n  other@y.z\r\nSubject: s\r\nbcc: second@y.z\r\n\r\n" +
        "Bcc: not-a-header@in.body\r\n";

    [Theory]
    [InlineData("Subject", true)]
    [InlineData("subject", true)]
    [InlineData("BCC", true)]
    [InlineData("Message-ID", false)]
    [InlineData("Date", false)]
    public void FindsTopLevelHeaderFields(string name, bool expected) =>
        Assert.Equal(expected, RawMessage.HasHeader(Encoding.ASCII.GetBytes(Message), name));

    [Fact]
    public void StripsFieldsWithTheirFoldsAndNothingElse()
    {
        var stripped = RawMessage.WithoutHeaders(Encoding.ASCII.GetBytes(Message), "Bcc");
        Assert.Equal(
            "Received: from a by b\r\nFrom: x@y.z\r\nSubject: s\r\n\r\nBcc: not-a-header@in.body\r\n",
            Encoding.ASCII.GetString(stripped));
        Assert.Equal(Encoding.ASCII.GetBytes(Message), RawMessage.WithoutHeaders(Encoding.ASCII.GetBytes(Message), "X-Absent"));
    }

    [Fact]
    public void PrependsFieldsInTheMessagesLineBreakStyle()
    {
        var crlf = RawMessage.WithPrependedHeaders("Subject: s\r\n\r\nbody"u8,
            new("Received", "from client.example by mx.example; Tue, 2 Jan 2024 03:04:05 +0100"),
            new("Message-ID", "<generated@mx.example>"));
        Assert.Equal(
            "Received: from client.example by mx.example; Tue, 2 Jan 2024 03:04:05 +0100\r\nMessage-ID: <generated@mx.example>\r\nSubject: s\r\n\r\nbody",
            Encoding.ASCII.GetString(crlf));

        var lf = RawMessage.WithPrependedHeaders("Subject: s\n\nbody"u8, new KeyValuePair<string, string>("Date", "Tue, 2 Jan 2024 03:04:05 +0100"));
        Assert.Equal("Date: Tue, 2 Jan 2024 03:04:05 +0100\nSubject: s\n\nbody", Encoding.ASCII.GetString(lf));
    }

    [Fact]
    public void LongPrependedFieldsAreFoldedAndTheRestIsUntouched()
    {
        var original = Encoding.ASCII.GetBytes(Message);
        var received = "from " + string.Join(" ", Enumerable.Range(0, 30).Select(i => $"hop{i}.example")) + "; Tue, 2 Jan 2024 03:04:05 +0100";
        var result = RawMessage.WithPrependedHeaders(original, new KeyValuePair<string, string>("Received", received));
        var text = Encoding.ASCII.GetString(result);
        var added = text[..^original.Length];
        Assert.Equal(original, result[^original.Length..]);
        Assert.All(added.TrimEnd('\r', '\n').Split("\r\n"), line => Assert.True(line.Length <= 78));
        Assert.Equal(received, MimeParser.Parse(result).EnumerateParts().Count() == 1 ? AgentMail.Mime.Summary.MessageSummary.Create(result, MimeParser.Parse(result)).Headers[0].Value : null);
    }

    [Fact]
    public void RefusesInvalidFields()
    {
        Assert.Throws<ArgumentException>(() => RawMessage.WithPrependedHeaders("x"u8, new KeyValuePair<string, string>("Bad Name", "v")));
        Assert.Throws<ArgumentException>(() => RawMessage.WithPrependedHeaders("x"u8, new KeyValuePair<string, string>("X-A", "v\r\nBcc: y")));
    }
}
