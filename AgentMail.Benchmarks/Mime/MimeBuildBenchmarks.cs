using System.Buffers;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;
using BenchmarkDotNet.Attributes;

namespace AgentMail.Benchmarks.Mime;

/// <summary>Building a message with text, HTML and a 5 MB attachment.</summary>
[MemoryDiagnoser]
public class MimeBuildBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(8 * 1024 * 1024);
    private byte[] _attachment = [];

    [GlobalSetup]
    public void Setup()
    {
        _attachment = new byte[5 * 1024 * 1024];
        new Random(2).NextBytes(_attachment);
    }

    [Benchmark(Description = "build with 5 MB attachment (bytes)")]
    public int BuildFromBytes()
    {
        _output.ResetWrittenCount();
        NewMessage(OutgoingAttachment.FromBytes("report.pdf", "application/pdf", _attachment)).WriteTo(_output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "build with 5 MB attachment (stream)")]
    public int BuildFromStream()
    {
        _output.ResetWrittenCount();
        NewMessage(OutgoingAttachment.FromStream("report.pdf", "application/pdf", new MemoryStream(_attachment, writable: false))).WriteTo(_output);
        return _output.WrittenCount;
    }

    private static MessageBuilder NewMessage(OutgoingAttachment attachment)
    {
        var builder = new MessageBuilder
        {
            From = new EmailAddress("Agent Smith", "agent@example.com"),
            Subject = "Quarterly report \u2014 r\u00e9sum\u00e9",
            TextBody = "Hello,\n\nplease find the report attached.\n",
            HtmlBody = "<p>Hello,</p><p>please find the report attached.</p>",
            Date = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };
        builder.To.Add(new EmailAddress("Team", "team@example.org"));
        builder.AddAttachment(attachment);
        return builder;
    }
}
