using AgentMail.Benchmarks.Smtp;
using BenchmarkDotNet.Running;

// "smtp-load ..." is a load generator against a running SMTP service (Smtp/SmtpLoadCommand.cs);
// everything else goes to BenchmarkDotNet.
if (args is ["smtp-load", .. var rest])
    return await SmtpLoadCommand.RunAsync(rest);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
