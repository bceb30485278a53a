using AgentMail.Tests.Webhooks.Support;

namespace AgentMail.Fuzz.Targets;

/// <summary>
/// What a webhook destination is made of: the URL rules (never throw, only http(s) with a host
/// and no credentials, normalization stable) and the address policy (IPv6 forms embedding an IPv4
/// address judged as that address). The checks are the test suite's
/// (AgentMail.Tests/Webhooks/Support/WebhookFuzzer.cs).
/// </summary>
internal sealed class WebhooksTarget : IFuzzTarget
{
    public string Name => "webhooks";

    public string Description => "Fuzz webhook URL validation and the destination address policy.";

    public void Initialize(FuzzContext context) => Console.WriteLine("webhooks: mutated URLs (first byte even) and random IPv4/IPv6 addresses (odd)");

    public byte[] Generate(Random random) => WebhookFuzzer.Generate(random);

    public void Check(byte[] input, long iteration) => WebhookFuzzer.Check(input, (int)(iteration & 0x7FFFFFFF));
}
