namespace AgentMail.LocalServers;

/// <summary>Finds server binaries on PATH or in the usual Debian locations.</summary>
public static class BinaryLocator
{
    /// <summary>Returns the full path of <paramref name="name"/>, or throws naming the package to install.</summary>
    public static string Require(string name, string debianPackage, IEnumerable<string>? extraDirectories = null)
        => Find(name, extraDirectories) ?? throw new MissingBinaryException(name, debianPackage);

    public static string? Find(string name, IEnumerable<string>? extraDirectories = null)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var candidates = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories ?? []);
        foreach (var directory in candidates)
        {
            var file = Path.Combine(directory, name);
            if (File.Exists(file))
                return file;
        }
        return null;
    }

    /// <summary>Debian installs PostgreSQL under /usr/lib/postgresql/&lt;major&gt;/bin, off PATH; newest first.</summary>
    public static IEnumerable<string> PostgresDirectories()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
            return [];
        return Directory.GetDirectories(root)
            .Select(d => (dir: d, major: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            .OrderByDescending(x => x.major)
            .Select(x => Path.Combine(x.dir, "bin"));
    }
}

public sealed class MissingBinaryException(string binary, string debianPackage)
    : Exception($"'{binary}' was not found on PATH or in the usual locations. Install it with: sudo apt-get install -y {debianPackage}")
{
    public string Binary { get; } = binary;
    public string DebianPackage { get; } = debianPackage;
}
