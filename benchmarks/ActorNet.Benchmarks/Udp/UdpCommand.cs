using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Metrics;
using Akka.Actor;

namespace ActorNet.Benchmarks.Udp;

/// <summary>
/// <c>udp</c>: datagrams per second a udp source takes into a blackhole sink, and bytes allocated per datagram in the
/// whole process meanwhile (receive loop, parser, sink, actors). The sender is a child process (<c>udp-send</c>), so
/// that its work and allocations are not counted here.
/// </summary>
public static class UdpCommand
{
    public const string Usage = """
          udp [--seconds 10] [--warmup 3] [--size 100] [--senders 1] [--alloc-types] [--record DIR] [--ceiling]
              Datagrams of SIZE bytes sent as fast as possible by a child process (udp-send, sendmmsg(2) batches of
              64 on Linux, one thread per sender) to a udp source with raw framing into a blackhole sink: datagrams/s
              stored, offered (stored + the kernel's drops), bytes allocated per datagram in steady state
              (GC.GetTotalAllocatedBytes over the measured window) and the kernel's drops for the socket. More senders
              than one leave the receive thread less than a core of 2. --ceiling: no ActorNet; the senders send to a
              socket nobody reads and the kernel's drops give what they offer alone, the most any receiver on this
              machine could be sent while they run. --alloc-types
              also samples what was allocated by type (GC AllocationTick events) and prints the top types. --record DIR
              turns the source's recording on into DIR (each datagram one record) and reports records it dropped.
        """;

    private const string SourceName = "bench-udp";

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        var seconds = options.Int("seconds", 10, 1, 3600);
        var warmup = options.Int("warmup", 3, 0, 600);
        var size = options.Int("size", 100, 1, 65_000);
        var senders = options.Int("senders", 1, 1, 64);
        var allocTypes = options.Flag("alloc-types");
        var recordDir = options.String("record");
        var ceiling = options.Flag("ceiling");
        options.ThrowIfUnread();
        if (ceiling) return await RunCeilingAsync(seconds, warmup, size, senders, cancellationToken).ConfigureAwait(false);
        if (recordDir is not null && recordDir.Any(c => c is '"' or '\\'))
            throw new UsageException($"option --record: '{recordDir}' must not contain quotes or backslashes");
        var record = recordDir is null ? "" : $"record {{ enabled = on, dir = \"{recordDir}\", max-size = 64 GiB }}";

        var port = FreeUdpPort();
        var settings = ActorNetSettings.Parse($$"""
            actornet {
              sources.{{SourceName}} {
                type = udp, port = {{port}}
                framing { type = raw, max-frame-length = 64 KiB }
                receive-buffer-size = 8 MiB
                max-inflight-frames = 100000
                max-inflight-bytes = 16 MiB
                sinks = [ blackhole ], quarantine = blackhole
                {{record}}
              }
              sinks.blackhole { type = blackhole, dedicated-thread = off }
            }
            """);
        using var system = ActorSystem.Create("udp-bench", ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING");
        var service = ActorNetService.Start(system, settings);
        var status = service.Status.Source(SourceName)!;
        using var drops = new KernelDropsReader(SourceName);
        using var recordDrops = new CounterTotal("actornet.record.dropped");
        using var sampler = allocTypes ? new AllocationSampler() : null;

        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine($"method: {senders} sender socket(s) in a child process (udp-send) send {size}-byte datagrams to 127.0.0.1:{port} " +
            $"as fast as they can; after {warmup} s of warm-up, {seconds} s are measured.");
        var child = StartSender(port, size, senders);
        var failed = false;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(warmup), cancellationToken).ConfigureAwait(false);
            var framesBefore = status.FramesReceived;
            var dropsBefore = drops.Read();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            sampler?.Start();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            sampler?.Stop();
            var frames = status.FramesReceived - framesBefore;
            var elapsed = clock.Elapsed.TotalSeconds;
            var dropped = drops.Read() - dropsBefore;
            var recordDropped = recordDrops.Total;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"datagrams/s: {frames / elapsed:N0}   offered/s: {(frames + dropped) / elapsed:N0}   " +
                $"bytes allocated per datagram: {(frames == 0 ? double.NaN : (double)allocated / frames):N2}   " +
                $"kernel drops in the window: {dropped:N0}   (figure to reach: >= 500,000 datagrams/s of 100 B, 0 B per datagram)"));
            if (sampler is not null) Console.Write(sampler.Report());
            if (recordDir is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"records the recording dropped (warm-up included): {recordDropped:N0}"));
                if (recordDropped > 0) failed = true;
            }
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await service.DrainAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        return failed ? 1 : 0;
    }

    /// <summary>
    /// <c>udp --ceiling</c>: what the senders offer with nobody reading: every datagram is dropped by the kernel at the
    /// full receive buffer, which costs less than delivering it, so this is more than a receiver could ever be sent here.
    /// </summary>
    private static async Task<int> RunCeilingAsync(int seconds, int warmup, int size, int senders, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var drops = ActorNet.Connections.Udp.UdpKernelDrops.For(socket)
            ?? throw new BenchmarkFailedException("--ceiling reads the kernel's drops from /proc/net/udp: Linux only");
        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine($"method: {senders} sender(s) in a child process (udp-send) send {size}-byte datagrams to 127.0.0.1:{port}, a socket " +
            $"nobody reads; after {warmup} s of warm-up, the kernel's drops for it over {seconds} s are what they offer.");
        var child = StartSender(port, size, senders);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(warmup), cancellationToken).ConfigureAwait(false);
            var before = drops.Read() ?? 0;
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
            var offered = (drops.Read() ?? 0) - before;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"offered/s with nobody reading: {offered / clock.Elapsed.TotalSeconds:N0}   (no receiver here can store more while these senders share its cores)"));
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary><c>udp-send --port P --size S --senders N</c>: the child's loop, until it is killed.</summary>
    public static int RunSender(OptionReader options)
    {
        var port = options.Int("port", null, 1, 65535);
        var size = options.Int("size", 100, 1, 65_000);
        var senders = options.Int("senders", 2, 1, 64);
        options.ThrowIfUnread();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var threads = Enumerable.Range(0, senders).Select(i => new Thread(() =>
        {
            var payload = new byte[size];
            payload.AsSpan().Fill((byte)('a' + i % 26));
            using var sender = new BatchedUdpSender(target, payload);
            while (true) sender.SendBatch();
        }) { IsBackground = true }).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        return 0;
    }

    private static Process StartSender(int port, int size, int senders)
    {
        var start = new ProcessStartInfo { UseShellExecute = false };
        ThisProgram.Set(start);
        foreach (var argument in new[] { "udp-send", "--port", port.ToString(CultureInfo.InvariantCulture), "--size",
                     size.ToString(CultureInfo.InvariantCulture), "--senders", senders.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new BenchmarkFailedException("could not start the udp-send child");
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>actornet_udp_kernel_drops_total of the source, read from ActorNet's meter as a scrape would.</summary>
    private sealed class KernelDropsReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public KernelDropsReader(string source)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ActorNetMetrics.MeterName && instrument.Name == "actornet.udp.kernel.drops")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "source" && (string?)tag.Value == source) _value = value;
            });
            _listener.Start();
        }

        public long Read()
        {
            _listener.RecordObservableInstruments();
            return _value;
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The total of a counter of ActorNet's meter, all tags together.</summary>
    private sealed class CounterTotal : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CounterTotal(string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ActorNetMetrics.MeterName && instrument.Name == instrumentName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
