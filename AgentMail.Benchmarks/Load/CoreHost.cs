using AgentMail.Mailbox.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Benchmarks.Load;

/// <summary>The mailbox core alone, wired as a service wires it, for seeding grants and messages.</summary>
public static class CoreHost
{
    public const string Hostname = "bench.agentmail.test";

    public static IHost Create(string mailstore, string redis)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = mailstore,
            ["ConnectionStrings:redis"] = redis,
            ["Mailbox:Hostname"] = Hostname,
        });
        builder.AddMailbox();
        return builder.Build();
    }
}
