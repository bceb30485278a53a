using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Fuzz.Targets;

/// <summary>
/// The SMTP server's input side: the command parser (never throws, same result however the line
/// is segmented, paths within RFC 5321's limits and round-tripping) and DATA unstuffing (exact
/// inverse of stuffing in any chunking, stops at the end marker, keeps the size limit). The checks
/// are the test suite's (AgentMail.Tests/Smtp/Support/SmtpFuzzer.cs).
/// </summary>
internal sealed class SmtpTarget : IFuzzTarget
{
    public string Name => "smtp";

    public string Description => "Fuzz the SMTP command parser and DATA dot-unstuffing.";

    public void Initialize(FuzzContext context) => Console.WriteLine("smtp: mutated command lines and DATA streams (first byte: even = command, odd = DATA)");

    public byte[] Generate(Random random) => SmtpFuzzer.Generate(random);

    public void Check(byte[] input, long iteration) => SmtpFuzzer.Check(input, (int)(iteration & 0x7FFFFFFF));
}
