// The local launcher (built when UseAspire=false): PostgreSQL and Redis from their installed
// binaries and the four services as processes, with the environment an Aspire AppHost gives them.
//   dotnet run --project AgentMail.AppHost -p:UseAspire=false [-- --help]
using System.CommandLine;
using AgentMail.AppHost.Launcher;

return await LauncherCommand.Create()
    .Parse(args)
    // Signals are handled by the launcher itself: it needs longer than System.CommandLine's
    // default two seconds to stop the services and then the databases, in that order.
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
