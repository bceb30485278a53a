extern alias imap;

using AgentMail.Tests.Imap.Support;

namespace AgentMail.Fuzz.Targets;

/// <summary>
/// The IMAP command framer and parser (literals {n}, {n+}, ~{n}; limits; every command's
/// arguments) on random and mutated command streams. The suite's wire run checks the same
/// inputs against a running server.
/// </summary>
internal sealed class ImapTarget : IFuzzTarget
{
    public string Name => "imap";

    public string Description => "Fuzz the IMAP command framer and parser with random and mutated command lines and literals.";

    public void Initialize(FuzzContext context)
    {
    }

    public byte[] Generate(Random random) => ImapFuzzer.Generate(random);

    public void Check(byte[] input, long iteration) => ImapFuzzer.Check(input);
}
