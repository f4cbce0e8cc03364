using System.Globalization;
using System.Text;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// Every garbage collection of this process while it runs, with its generation, pause and promoted bytes, read from
/// <see cref="GC.GetGCMemoryInfo(GCKind)"/> by a thread that looks every millisecond (two collections within one
/// millisecond show as one). A latency tail is either queueing or collections; this says how much is collections.
/// </summary>
public sealed class GcPauseLog : IDisposable
{
    private readonly List<(int Generation, double PauseMs, long PromotedBytes, long HeapBytes)> _collections = [];
    private readonly Thread _watcher;
    private volatile bool _stopping;

    private GcPauseLog()
    {
        _watcher = new Thread(Watch) { IsBackground = true, Name = "gc-pause-log", Priority = ThreadPriority.AboveNormal };
        _watcher.Start();
    }

    public static GcPauseLog Start() => new();

    private void Watch()
    {
        long lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        while (!_stopping)
        {
            Thread.Sleep(1);
            GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
            if (info.Index == lastIndex)
            {
                continue;
            }

            lastIndex = info.Index;
            double pause = info.PauseDurations.ToArray().Sum(p => p.TotalMilliseconds);
            lock (_collections)
            {
                _collections.Add((info.Generation, pause, info.PromotedBytes, info.HeapSizeBytes));
            }
        }
    }

    /// <summary>One line per generation: count, total and longest pause; then the five longest collections.</summary>
    public string Summary()
    {
        lock (_collections)
        {
            var text = new StringBuilder();
            foreach (var generation in _collections.GroupBy(c => c.Generation).OrderBy(g => g.Key))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"  gen{generation.Key} collections: {generation.Count()}, paused {generation.Sum(c => c.PauseMs):0.0} ms in all, longest {generation.Max(c => c.PauseMs):0.0} ms\n");
            }

            foreach (var c in _collections.OrderByDescending(c => c.PauseMs).Take(5))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"    gen{c.Generation} {c.PauseMs:0.0} ms, promoted {c.PromotedBytes / 1024.0 / 1024:0.0} MiB, heap {c.HeapBytes / 1024.0 / 1024:0.0} MiB\n");
            }

            return text.ToString();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _watcher.Join();
    }
}
