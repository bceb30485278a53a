namespace AgentMail.Tests.Mime.Support;

/// <summary>The MIME corpus copied next to the test assembly.</summary>
internal static class TestFiles
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "TestData", "mime");

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    /// <summary>Every message file (not the README or licence), sorted.</summary>
    public static IEnumerable<string> Messages() =>
        System.IO.Directory.GetFiles(Directory)
            .Select(Path.GetFileName)
            .Where(n => n!.EndsWith(".txt", StringComparison.Ordinal) || n.EndsWith(".eml", StringComparison.Ordinal))
            .Where(n => !n!.StartsWith("LICENSE", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)!;

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>Builds a message from lines joined by CRLF.</summary>
    public static byte[] Crlf(params string[] lines) => Utf8(string.Join("\r\n", lines));

    /// <summary>Builds a message from lines joined by bare LF.</summary>
    public static byte[] Lf(params string[] lines) => Utf8(string.Join("\n", lines));
}
