using AgentMail.Mime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentMail.Benchmarks.Mime;

/// <summary>
/// Structure parsing: the whole corpus per operation, startrek.eml, and a 13.5 MB message with
/// a 10 MB base64 attachment (allocations must not grow with the body).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class MimeParseBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn());
    }

    private byte[][] _corpus = [];
    private byte[] _startrek = [];
    private byte[] _large = [];

    [GlobalSetup]
    public void Setup()
    {
        _corpus = MimeBenchmarkData.Corpus();
        _startrek = MimeBenchmarkData.Read("startrek.eml");
        _large = MimeBenchmarkData.LargeMessage();
    }

    [Benchmark(Description = "corpus (36 messages)")]
    public int ParseCorpus()
    {
        var parts = 0;
        foreach (var message in _corpus) parts += MimeParser.Parse(message).Root.Children.Count;
        return parts;
    }

    [Benchmark(Description = "startrek.eml")]
    public MessageStructure ParseStartrek() => MimeParser.Parse(_startrek);

    [Benchmark(Description = "startrek.eml, ParseAsync(Stream)")]
    public Task<MessageStructure> ParseStartrekStreaming() => MimeParser.ParseAsync(new MemoryStream(_startrek, writable: false));

    [Benchmark(Description = "10 MB attachment")]
    public MessageStructure ParseLarge() => MimeParser.Parse(_large);

    [Benchmark(Description = "10 MB attachment, ParseAsync(Stream)")]
    public Task<MessageStructure> ParseLargeStreaming() => MimeParser.ParseAsync(new MemoryStream(_large, writable: false));
}
