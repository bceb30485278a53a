using System.Globalization;

namespace AgentMail.Benchmarks.Load;

/// <summary>The load commands' <c>--name value</c> options; a <c>--name</c> with no value is a flag ("true").</summary>
public sealed class LoadOptions(IReadOnlyDictionary<string, string> values)
{
    public static LoadOptions Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                    values[name] = "true";
                name = arg[2..];
            }
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
        }
        if (name is not null)
            values[name] = "true";
        return new LoadOptions(values);
    }

    public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Has(string name) => values.ContainsKey(name);
}
