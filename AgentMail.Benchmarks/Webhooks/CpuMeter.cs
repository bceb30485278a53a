using System.Diagnostics;
using System.Globalization;

namespace AgentMail.Benchmarks.Webhooks;

/// <summary>
/// CPU time used by this process and by a PostgreSQL cluster (postmaster and its backends, from
/// /proc), so a run on a busy shared machine can still say what each delivery costs.
/// </summary>
public sealed class CpuMeter(string postgresDataDirectory)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public (TimeSpan Self, TimeSpan Postgres) Read() => (Process.GetCurrentProcess().TotalProcessorTime, PostgresTime());

    private TimeSpan PostgresTime()
    {
        var pidFile = Path.Combine(postgresDataDirectory, "postmaster.pid");
        if (!OperatingSystem.IsLinux() || !File.Exists(pidFile))
            return TimeSpan.Zero;
        var postmaster = int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
        double ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Fields after the command (which may hold spaces) in parentheses: state ppid ... utime(14) stime(15).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == postmaster || ppid == postmaster)
                    ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
