namespace AgentMail.AppHost.Launcher;

/// <summary>One launcher per data folder: a second would find Postgres's files locked and fail less clearly.</summary>
internal static class DataDirectoryLock
{
    public static FileStream Acquire(string lockFile)
    {
        try
        {
            var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(Environment.ProcessId);
            return stream;
        }
        catch (IOException)
        {
            throw new LauncherException(
                $"Another launcher is already running with the data folder {Path.GetDirectoryName(lockFile)}. " +
                "Stop it first, or give this one its own folder and ports: --data <dir> --free-ports");
        }
    }
}

/// <summary>A start-up problem with a message meant for the person at the terminal (printed without a stack trace).</summary>
internal sealed class LauncherException(string message) : Exception(message);
