using System.Diagnostics;
using AgentMail.Fuzz.Targets;

namespace AgentMail.Fuzz;

/// <summary>
/// Runs a target for a number of iterations. Iteration i uses its own RNG seeded from
/// (seed, i), so any failure is replayable from the seed and iteration alone; failing inputs
/// are also saved with their seed, iteration and error. A watchdog ends the run when one input
/// takes longer than the time limit (a hang), saving that input first.
/// </summary>
internal sealed class FuzzRunner(IFuzzTarget target, FuzzSettings settings)
{
    private long _current = -1;
    private byte[]? _currentInput;
    private long _currentStarted;

    public int Run()
    {
        target.Initialize(new FuzzContext(settings.Corpus, settings.Seed));
        Console.WriteLine($"{target.Name}: {settings.Iterations:N0} iterations, seed {settings.Seed}, failures to {Path.GetFullPath(settings.Output)}");

        var watchdog = new Thread(Watch) { IsBackground = true, Name = "fuzz watchdog" };
        watchdog.Start();

        var failures = 0;
        long bytes = 0;
        long done = 0;
        var total = Stopwatch.StartNew();
        var report = Stopwatch.StartNew();
        long reported = 0;
        for (var i = settings.FirstIteration; i < settings.FirstIteration + settings.Iterations; i++)
        {
            var input = target.Generate(new Random(IterationSeed(settings.Seed, i)));
            bytes += input.Length;
            _currentInput = input;
            Volatile.Write(ref _currentStarted, Stopwatch.GetTimestamp());
            Volatile.Write(ref _current, i);
            try
            {
                target.Check(input, i);
            }
            catch (Exception e)
            {
                failures++;
                var path = Save(input, i, e.ToString(), "failure");
                Console.WriteLine($"FAIL iteration {i}: {e.GetType().Name}: {e.Message}\n     input: {path}");
                if (!settings.KeepGoing) break;
            }
            Volatile.Write(ref _current, -1);
            done++;

            if (report.Elapsed >= TimeSpan.FromSeconds(10))
            {
                Console.WriteLine($"  {i - settings.FirstIteration + 1:N0} inputs, {(i - reported) / report.Elapsed.TotalSeconds:N0}/s");
                reported = i;
                report.Restart();
            }
        }
        var seconds = total.Elapsed.TotalSeconds;
        Console.WriteLine($"{target.Name}: {(failures == 0 ? "no failures" : failures + " failure(s)")} in {seconds:N1} s; " +
                          $"{done:N0} inputs, {done / seconds:N0} inputs/s, {bytes / seconds / (1024 * 1024):N1} MB/s of input " +
                          $"(average {bytes / Math.Max(1, done):N0} bytes)");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Re-runs the checks on a saved input.</summary>
    public int Replay(string path)
    {
        target.Initialize(new FuzzContext(settings.Corpus, settings.Seed));
        var input = File.ReadAllBytes(path);
        try
        {
            target.Check(input, 0);
            Console.WriteLine($"{path}: passes");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"{path}: {e}");
            return 1;
        }
    }

    /// <summary>SplitMix64 of (seed, iteration): stable across processes and platforms.</summary>
    public static int IterationSeed(int seed, long iteration)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)iteration + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((int)(z ^ (z >> 31)));
    }

    private string Save(byte[] input, long iteration, string error, string kind)
    {
        Directory.CreateDirectory(settings.Output);
        var stem = Path.Combine(settings.Output, $"{target.Name}-{kind}-seed{settings.Seed}-iter{iteration}");
        File.WriteAllBytes(stem + ".bin", input);
        File.WriteAllText(stem + ".txt",
            $"target {target.Name}\nseed {settings.Seed}\niteration {iteration}\n" +
            $"reproduce: dotnet run --project AgentMail.Fuzz -c Release -- {target.Name} --seed {settings.Seed} --first {iteration} --iterations 1\n" +
            $"or: dotnet run --project AgentMail.Fuzz -c Release -- {target.Name} --replay {stem}.bin\n\n{error}\n");
        return stem + ".bin";
    }

    private void Watch()
    {
        while (true)
        {
            Thread.Sleep(500);
            var iteration = Volatile.Read(ref _current);
            if (iteration < 0) continue;
            var elapsed = Stopwatch.GetElapsedTime(Volatile.Read(ref _currentStarted));
            if (elapsed < TimeSpan.FromSeconds(settings.TimeoutSeconds) || Volatile.Read(ref _current) != iteration) continue;
            var path = Save(_currentInput ?? [], iteration, $"hang: no result after {elapsed.TotalSeconds:N0} s", "hang");
            Console.WriteLine($"HANG iteration {iteration} (> {settings.TimeoutSeconds} s); input: {path}");
            Environment.Exit(2);
        }
    }
}

/// <summary>Options common to every target.</summary>
internal sealed record FuzzSettings(long Iterations, int Seed, long FirstIteration, string Output, string? Corpus, int TimeoutSeconds, bool KeepGoing);
