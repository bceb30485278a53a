using AgentMail.Tests.Mime.Support;

namespace AgentMail.Fuzz.Targets;

/// <summary>
/// The MIME library: parsing, IMAP rendering (validated against RFC 9051's grammar), stored
/// form, streaming equivalence, section resolution and summaries, on random and mutated mail.
/// </summary>
internal sealed class MimeTarget : IFuzzTarget
{
    private MimeFuzzer? _fuzzer;

    public string Name => "mime";

    public string Description => "Fuzz the MIME parser, IMAP BODYSTRUCTURE/ENVELOPE rendering, sections and summaries.";

    public void Initialize(FuzzContext context)
    {
        var directory = context.CorpusDirectory ?? FindCorpus();
        _fuzzer = MimeFuzzer.FromDirectory(directory ?? string.Empty);
        Console.WriteLine($"mime: corpus of {_fuzzer.CorpusCount} messages{(directory is null ? " (built-in only; pass --corpus)" : " from " + directory)}");
    }

    public byte[] Generate(Random random) => _fuzzer!.Generate(random);

    public void Check(byte[] input, long iteration) => MimeFuzzer.Check(input, (int)(iteration & 0x7FFFFFFF));

    /// <summary>AgentMail.Tests/TestData/mime, looked for upwards from here and from the binary.</summary>
    private static string? FindCorpus()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "AgentMail.Tests", "TestData", "mime");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
