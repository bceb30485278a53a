using AgentMail.Benchmarks.Api;
using AgentMail.Benchmarks.Smtp;
using BenchmarkDotNet.Running;

// Load tools run end to end against real servers; everything else goes to BenchmarkDotNet.
// "webhooks ...": the webhook dispatcher's latency and throughput (Webhooks/WebhookLoad.cs).
// "smtp-load ...": a load generator against a running SMTP service (Smtp/SmtpLoadCommand.cs).
// "imap-load ...": IMAP mix, IDLE memory and push latency against ours or any IMAP server (Imap/ImapLoadCommand.cs).
// "analyze --config <bench.json>": VACUUM ANALYZE a load command's store after seeding (Load/BenchPostgres.cs).
// "api-load ...": the REST API over a 100 000-message grant, seeding and a load generator (Api/ApiLoadCommand.cs).
if (args is ["webhooks", .. var webhookArgs])
    return await AgentMail.Benchmarks.Webhooks.WebhookLoad.RunAsync(webhookArgs);
if (args is ["smtp-load", .. var smtpArgs])
    return await SmtpLoadCommand.RunAsync(smtpArgs);
if (args is ["imap-load", .. var imapArgs])
    return await AgentMail.Benchmarks.Imap.ImapLoadCommand.RunAsync(imapArgs);
if (args is ["analyze", .. var analyzeArgs])
    return await AgentMail.Benchmarks.Load.BenchPostgres.AnalyzeAsync(AgentMail.Benchmarks.Load.LoadOptions.Parse(analyzeArgs));
if (args is ["api-load", .. var apiArgs])
    return await ApiLoadCommand.RunAsync(apiArgs);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
