using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorNet.Metrics;

namespace ActorNet.Connections.Udp;

/// <summary>
/// actornet.udp.kernel.drops (actornet_udp_kernel_drops_total{source}): what the kernel dropped for each running udp
/// source's socket, read from /proc at each collection rather than counted, since only the kernel sees those datagrams.
/// </summary>
internal static class UdpMetrics
{
    private static readonly ConcurrentDictionary<object, (string Source, UdpKernelDrops Drops)> Sockets = new();

    public static readonly ObservableCounter<long> KernelDrops =
        ActorNetMetrics.Meter.CreateObservableCounter("actornet.udp.kernel.drops", ObserveAll, "{datagram}",
            "Datagrams the kernel dropped for a udp source's socket (its receive buffer was full), from /proc/net/udp");

    /// <summary>Observed until <see cref="Forget"/>; <paramref name="owner"/> tells apart sources of the same name in several instances.</summary>
    public static void Observe(object owner, string source, UdpKernelDrops drops)
    {
        _ = KernelDrops;
        Sockets[owner] = (source, drops);
    }

    public static void Forget(object owner) => Sockets.TryRemove(owner, out _);

    private static IEnumerable<Measurement<long>> ObserveAll()
    {
        foreach (var (source, drops) in Sockets.Values)
            if (drops.Read() is { } count) yield return new Measurement<long>(count, ActorNetMetrics.Source(source));
    }
}
