namespace AgentMail.Benchmarks.Load;

public static class Percentiles
{
    /// <summary>Nearest-rank percentile of an ascending list (p in 0..1; 1 is the maximum); 0 when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
