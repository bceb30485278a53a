using System.Text;

namespace AgentMail.Benchmarks.Mime;

/// <summary>Inputs for the MIME benchmarks: the test corpus, startrek.eml and a synthetic 10 MB message.</summary>
internal static class MimeBenchmarkData
{
    private static readonly Lazy<string> CorpusDirectory = new(Find);

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(CorpusDirectory.Value, name));

    /// <summary>Every corpus message (mbox files as they are: the parser reads them as one message each).</summary>
    public static byte[][] Corpus() =>
        Directory.GetFiles(CorpusDirectory.Value)
            .Where(f => f.EndsWith(".txt", StringComparison.Ordinal) || f.EndsWith(".eml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToArray();

    /// <summary>A text part and a 10 MB attachment in base64 (about 13.5 MB of message).</summary>
    public static byte[] LargeMessage(int attachmentBytes = 10 * 1024 * 1024)
    {
        var data = new byte[attachmentBytes];
        new Random(1).NextBytes(data);
        var text = new StringBuilder();
        text.Append("From: Sender <sender@example.com>\r\nTo: Recipient <recipient@example.org>\r\nSubject: Large attachment\r\n");
        text.Append("Date: Tue, 2 Jan 2024 03:04:05 +0100\r\nMessage-ID: <large@example.com>\r\nMIME-Version: 1.0\r\n");
        text.Append("Content-Type: multipart/mixed; boundary=\"=_boundary\"\r\n\r\n--=_boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        text.Append("Please find the file attached.\r\n--=_boundary\r\nContent-Type: application/octet-stream; name=data.bin\r\n");
        text.Append("Content-Disposition: attachment; filename=data.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        text.Append(Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks));
        text.Append("\r\n--=_boundary--\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "AgentMail.Tests", "TestData", "mime");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException("AgentMail.Tests/TestData/mime not found above " + AppContext.BaseDirectory);
    }
}
