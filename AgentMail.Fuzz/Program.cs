using System.CommandLine;
using AgentMail.Fuzz;
using AgentMail.Fuzz.Targets;

// dotnet run --project AgentMail.Fuzz -c Release -- <target> [--iterations N] [--seed N] ...
var root = new RootCommand("AgentMail fuzzer: runs a target on generated and mutated inputs and checks its promises.");
foreach (var target in FuzzTargets.All) root.Add(CreateCommand(target));
return root.Parse(args).Invoke();

static Command CreateCommand(IFuzzTarget target)
{
    var iterations = new Option<long>("--iterations", "-n") { Description = "Number of inputs to run.", DefaultValueFactory = _ => 1_000_000 };
    var seed = new Option<int?>("--seed", "-s") { Description = "Run seed (default: random, printed)." };
    var first = new Option<long>("--first") { Description = "First iteration number (to reproduce one failing input).", DefaultValueFactory = _ => 0 };
    var output = new Option<string>("--output", "-o") { Description = "Directory for failing inputs.", DefaultValueFactory = _ => "fuzz-failures" };
    var corpus = new Option<string?>("--corpus") { Description = "Directory of seed inputs (default: the test corpus, found upwards)." };
    var timeout = new Option<int>("--timeout") { Description = "Seconds one input may take before it counts as a hang.", DefaultValueFactory = _ => 10 };
    var keepGoing = new Option<bool>("--keep-going") { Description = "Continue after a failure." };
    var replay = new Option<string?>("--replay") { Description = "Check one saved input file instead of fuzzing." };

    var command = new Command(target.Name, target.Description) { iterations, seed, first, output, corpus, timeout, keepGoing, replay };
    command.SetAction(result =>
    {
        var settings = new FuzzSettings(
            Math.Max(0, result.GetValue(iterations)),
            result.GetValue(seed) ?? Random.Shared.Next(),
            Math.Max(0, result.GetValue(first)),
            result.GetValue(output)!,
            result.GetValue(corpus),
            Math.Max(1, result.GetValue(timeout)),
            result.GetValue(keepGoing));
        var runner = new FuzzRunner(target, settings);
        return result.GetValue(replay) is { } file ? runner.Replay(file) : runner.Run();
    });
    return command;
}
