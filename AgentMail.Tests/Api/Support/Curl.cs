using System.Diagnostics;

namespace AgentMail.Tests.Api.Support;

/// <summary>Runs the real curl binary; the response's headers and body come back separately.</summary>
public static class Curl
{
    public sealed record Result(int ExitCode, int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, string Error)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        var headerFile = Path.GetTempFileName();
        var bodyFile = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--silent", "--show-error", "--dump-header", headerFile, "--output", bodyFile, "--write-out", "%{http_code}" }.Concat(arguments))
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in await File.ReadAllLinesAsync(headerFile))
            {
                var colon = line.IndexOf(':');
                if (colon > 0)
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            return new Result(process.ExitCode, int.TryParse(await stdout, out var status) ? status : 0, headers, await File.ReadAllBytesAsync(bodyFile), await stderr);
        }
        finally
        {
            File.Delete(headerFile);
            File.Delete(bodyFile);
        }
    }
}
