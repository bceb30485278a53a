namespace AgentMail.Fuzz.Targets;

/// <summary>
/// One thing to fuzz. The runner asks for inputs and checks them; a check throws when a
/// promise is broken. Add a target by writing a class in this folder and listing it in
/// <see cref="FuzzTargets.All"/>; it becomes a subcommand with the common options.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>Subcommand name, e.g. "mime".</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Called once before the run (load a corpus, warm up).</summary>
    void Initialize(FuzzContext context);

    /// <summary>The input for one iteration; must depend only on <paramref name="random"/>.</summary>
    byte[] Generate(Random random);

    /// <summary>Runs the checks; throws on any broken promise.</summary>
    void Check(byte[] input, long iteration);
}

/// <summary>What the runner tells a target about the run.</summary>
internal sealed record FuzzContext(string? CorpusDirectory, int Seed);
