using BenchmarkDotNet.Running;

// "webhooks" runs the webhook dispatcher's load test (latency and throughput, see Webhooks/WebhookLoad.cs);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "webhooks")
    return await AgentMail.Benchmarks.Webhooks.WebhookLoad.RunAsync(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
