using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AgentMail.Benchmarks.Mime;

/// <summary>MB/s of input per operation, for benchmarks that register their bytes per operation.</summary>
public sealed class ThroughputColumn : IColumn
{
    private static readonly ConcurrentDictionary<string, long> BytesPerOperation = new();

    /// <summary>Registers the bytes one invocation of <paramref name="method"/> processes.</summary>
    public static void Register(string method, long bytes) => BytesPerOperation[method] = bytes;

    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "MB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Megabytes (10^6 bytes) of message processed per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var bytes = Bytes(benchmarkCase.Descriptor.WorkloadMethod.Name);
        if (report?.ResultStatistics is not { } statistics || bytes <= 0) return "-";
        return (bytes / (statistics.Mean / 1e9) / 1e6).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Bytes per operation are computed here as well, since benchmarks run in another process.</summary>
    private static long Bytes(string method)
    {
        if (BytesPerOperation.TryGetValue(method, out var known)) return known;
        long bytes = method switch
        {
            "ParseCorpus" or "SummarizeCorpus" => MimeBenchmarkData.Corpus().Sum(m => (long)m.Length),
            "ParseStartrek" or "ParseStartrekStreaming" => MimeBenchmarkData.Read("startrek.eml").Length,
            "ParseLarge" or "ParseLargeStreaming" => MimeBenchmarkData.LargeMessage().Length,
            _ => 0,
        };
        BytesPerOperation[method] = bytes;
        return bytes;
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public override string ToString() => ColumnName;
}
