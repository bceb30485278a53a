namespace AgentMail.AppHost.Launcher;

/// <summary>Every line the launcher and its children print, prefixed with who said it: "[api] ...".</summary>
internal sealed class ConsoleLog
{
    private static readonly ConsoleColor[] Palette = [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow];
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ConsoleColor> _colours = new(StringComparer.Ordinal);
    private const int Width = 11; // "[webhooks] "

    public Action<string> For(string source) => line => Write(source, line, Console.Out);

    public void Info(string line) => Write("launcher", line, Console.Out);

    public void Error(string line) => Write("launcher", line, Console.Error);

    private void Write(string source, string line, TextWriter writer)
    {
        var prefix = ("[" + source + "]").PadRight(Width);
        lock (_lock)
        {
            if (_colour)
            {
                if (!_colours.TryGetValue(source, out var colour))
                    _colours[source] = colour = Palette[_colours.Count % Palette.Length];
                Console.ForegroundColor = colour;
                writer.Write(prefix);
                Console.ResetColor();
                writer.WriteLine(line);
            }
            else
            {
                writer.WriteLine(prefix + line);
            }
        }
    }
}
