using System.Buffers;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Mime.Summary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentMail.Benchmarks.Mime;

/// <summary>
/// What IMAP FETCH does per message without re-parsing: read the stored structure and write
/// ENVELOPE + BODYSTRUCTURE; and what ingest does once: parse + store + summarize.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class MimeImapBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn());
    }

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private MessageStructure _simple = null!;
    private MessageStructure _startrek = null!;
    private MessageStructure _bounce = null!;
    private byte[] _storedBounce = [];
    private byte[][] _corpus = [];

    [GlobalSetup]
    public void Setup()
    {
        _simple = MimeParser.Parse(MimeBenchmarkData.Read("simple-multipart.eml"));
        _startrek = MimeParser.Parse(MimeBenchmarkData.Read("startrek.eml"));
        _bounce = MimeParser.Parse(MimeBenchmarkData.Read("bounce.txt"));
        _storedBounce = _bounce.ToBytes();
        _corpus = MimeBenchmarkData.Corpus();
    }

    [Benchmark(Description = "ENVELOPE+BODYSTRUCTURE simple-multipart.eml")]
    public int RenderSimple() => Render(_simple);

    [Benchmark(Description = "ENVELOPE+BODYSTRUCTURE startrek.eml")]
    public int RenderStartrek() => Render(_startrek);

    [Benchmark(Description = "FromBytes + ENVELOPE+BODYSTRUCTURE bounce.txt")]
    public int RenderStoredBounce() => Render(MessageStructure.FromBytes(_storedBounce));

    [Benchmark(Description = "ToBytes bounce.txt")]
    public byte[] StoreBounce() => _bounce.ToBytes();

    [Benchmark(Description = "summary of the corpus (36 messages)")]
    public int SummarizeCorpus()
    {
        var n = 0;
        foreach (var message in _corpus) n += MessageSummary.Create(message, MimeParser.Parse(message)).Snippet.Length;
        return n;
    }

    private int Render(MessageStructure structure)
    {
        _output.ResetWrittenCount();
        ImapFormatter.WriteEnvelope(structure.Envelope, _output);
        ImapFormatter.WriteBodyStructure(structure, _output);
        return _output.WrittenCount;
    }
}
