using AgentMail.Benchmarks.Smtp;
using BenchmarkDotNet.Running;

// Load tools run end to end against real servers; everything else goes to BenchmarkDotNet.
// "webhooks ...": the webhook dispatcher's latency and throughput (Webhooks/WebhookLoad.cs).
// "smtp-load ...": a load generator against a running SMTP service (Smtp/SmtpLoadCommand.cs).
if (args is ["webhooks", .. var webhookArgs])
    return await AgentMail.Benchmarks.Webhooks.WebhookLoad.RunAsync(webhookArgs);
if (args is ["smtp-load", .. var smtpArgs])
    return await SmtpLoadCommand.RunAsync(smtpArgs);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
