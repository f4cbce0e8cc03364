using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.EndToEnd;
using ActorNet.Benchmarks.LoadGen;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Hosting.Replay;
using ActorNet.Metrics;

namespace ActorNet.Benchmarks.Recording;

/// <summary>
/// <c>record-replay</c>: the two recording figures in one run, per round: ActorNet fed the e2e workload by the
/// load generator child with recording off, then with recording on (as <c>e2e --record</c>: same server, same timing,
/// fails if the recording dropped anything; figure: on / off ≥ 0.8), then that recording replayed at max speed by
/// <c>actornet replay</c>'s engine (<see cref="RecordingReplay"/>) through the same configuration into a fresh
/// blackhole sink (figure: replay / live ≥ 1, live being the run with recording off).
/// </summary>
public static class RecordReplayCommand
{
    public const string Usage = """
          record-replay [--connections 100] [--frames 50000] [--size 100] [--framing lines|length-field] [--seed 1]
              [--runs 1] [--warmup 1] [--timeout 120] [--connect-parallelism 256] [--keep DIR]
              Per run: ActorNet takes C x N frames from the load generator child with recording off, then with recording
              on (timed as e2e, first connect to last frame at the sink; fails if the recording dropped a record), then
              the recording is replayed at --speed max (RecordingReplay, as actornet replay runs it) into a fresh
              blackhole sink, timed from the replay's start until the sink has written every frame. Prints frames/s of
              all three, recording on / off (figure: >= 0.8) and replay / live with recording off (figure: >= 1).
              Recordings go to a temporary folder deleted afterwards (--keep DIR: kept there).
        """;

    private const int WarmupFrames = 2000;
    private const string SinkName = "blackhole";

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        var spec = new WorkloadSpec(
            options.Int("connections", 100, 1, 20_000),
            options.Int("frames", 50_000, 1, 100_000_000),
            options.Int("size", 100, 1, 16 * 1024 * 1024),
            options.Choice("framing", WireFraming.Lines, WireFramingNames.ByName),
            options.Int("seed", 1, int.MinValue, int.MaxValue));
        var runs = options.Int("runs", 1, 1, 20);
        var warmups = options.Int("warmup", 1, 0, 10);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 120, 1, 3600));
        var parallelism = options.Int("connect-parallelism", LoadGenerator.DefaultConnectParallelism, 1, 10_000);
        var keep = options.String("keep");
        options.ThrowIfUnread();
        spec.Validate();
        if (keep is not null && keep.Any(c => c is '"' or '\\'))
            throw new UsageException($"option --keep: '{keep}' must not contain quotes or backslashes");
        FileDescriptorLimit.EnsureRoomFor(spec.Connections, $"record-replay with {spec.Connections} connections (server sockets)");

        var root = keep ?? Path.Combine(Path.GetTempPath(), "actornet-record-replay-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine(Invariant(
            $"workload: {spec.Connections} connections x {spec.Frames:N0} frames x {spec.Size} bytes, {spec.Framing.Name()}, seed {spec.Seed}: ") +
            Invariant($"{spec.TotalFrames:N0} frames, {ProcessMemory.Mib(spec.TotalBytes)} MiB; recordings under {root}"));
        Console.WriteLine();
        var failed = false;
        try
        {
            for (var i = 1; i <= warmups; i++)
            {
                Console.Write(Invariant($"warm-up {i}/{warmups} (live, recording on, replay) ... "));
                var warm = await RoundAsync(Path.Combine(root, $"warmup-{i}"), i, spec with { Frames = Math.Min(spec.Frames, WarmupFrames) },
                    timeout, parallelism, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(warm.Failure is null ? "done" : $"FAILED: {warm.Failure}");
                if (warm.Failure is not null) return 1;
            }

            var ratios = new List<double>();
            var recordedRatios = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var round = await RoundAsync(Path.Combine(root, $"run-{run}"), run, spec, timeout, parallelism, cancellationToken).ConfigureAwait(false);
                if (round.Failure is not null)
                {
                    Console.WriteLine($"run {run}/{runs}: FAILED: {round.Failure}");
                    failed = true;
                    continue;
                }
                var ratio = round.ReplayRate / round.LiveRate;
                var recordedRatio = round.RecordedRate / round.LiveRate;
                ratios.Add(ratio);
                recordedRatios.Add(recordedRatio);
                Console.WriteLine(Invariant(
                    $"run {run}/{runs}: live {round.LiveRate:N0} frames/s; recording on {round.RecordedRate:N0} frames/s ({round.RecordedMib:N1} MiB recorded, 0 dropped), on / off {recordedRatio:0.00}; ") +
                    Invariant($"replay at max {round.ReplayRate:N0} frames/s ({round.ReplayReads:N0} reads, {round.ReplayTotal.TotalSeconds:0.000} s with start-up and drain), replay / live {ratio:0.00}"));
            }
            if (ratios.Count > 0)
            {
                Console.WriteLine(Invariant($"median recording on / off: {Median(recordedRatios):0.00}   (figure to reach: >= 0.80)"));
                Console.WriteLine(Invariant($"median replay / live: {Median(ratios):0.00}   (figure to reach: >= 1.00, replay at max at least the live ingestion rate)"));
            }
        }
        finally
        {
            if (keep is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        return failed ? 1 : 0;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>A live phase with recording off, one with recording on into <paramref name="dir"/>, then its replay.</summary>
    private static async Task<Round> RoundAsync(string dir, int run, WorkloadSpec spec, TimeSpan timeout, int parallelism, CancellationToken cancellationToken)
    {
        var live = await Phase.RunWithChildAsync(run, ServerKind.ActorNet, spec, ActorNetTuning.Default, timeout, parallelism, cancellationToken)
            .ConfigureAwait(false);
        if (!live.Succeeded) return Round.Failed($"live: {live.Failure}");
        var recording = await Phase.RunWithChildAsync(run, ServerKind.ActorNet, spec, ActorNetTuning.Default with { RecordDir = dir }, timeout, parallelism,
            cancellationToken).ConfigureAwait(false);
        if (!recording.Succeeded) return Round.Failed($"recording on: {recording.Failure}");
        var recorded = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        // The live phase's configuration, recording off: the same source (name, framing, parser) and sink.
        var settings = ActorNetServer.Settings(port: 1, spec.Framing, ServerKinds.MaxFrameLengthFor(spec.Size), ActorNetTuning.Default);
        ProcessMemory.FullCollect();
        using var sink = new SinkCounter(SinkName, spec.TotalFrames);
        var started = Stopwatch.GetTimestamp();
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), dir, new ReplayOptions(Speed: null), cancellationToken)
            .WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        var total = Stopwatch.GetElapsedTime(started);
        if (sink.Frames != spec.TotalFrames) return Round.Failed($"replay: the sink wrote {sink.Frames:N0} frames of {spec.TotalFrames:N0}");
        if (sink.Quarantined > 0) return Round.Failed($"replay: {sink.Quarantined:N0} frames quarantined");
        if (result.TornTails.Count > 0) return Round.Failed($"replay: {result.TornTails.Count} recording file(s) end in a torn record");
        var replayElapsed = Stopwatch.GetElapsedTime(started, sink.CompletedAt);
        return new Round(live.FramesPerSecond, recording.FramesPerSecond, spec.TotalFrames / replayElapsed.TotalSeconds, total, result.Reads,
            recorded / 1024.0 / 1024, null);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Round(double LiveRate, double RecordedRate, double ReplayRate, TimeSpan ReplayTotal, long ReplayReads, double RecordedMib,
        string? Failure)
    {
        public static Round Failed(string why) => new(0, 0, 0, TimeSpan.Zero, 0, 0, why);
    }

    /// <summary>Frames a sink wrote and frames quarantined, from ActorNet's meter; the moment the sink reached the expected count.</summary>
    private sealed class SinkCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly long _expected;
        private long _frames;
        private long _quarantined;
        private long _completedAt;

        public SinkCounter(string sink, long expected)
        {
            _expected = expected;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ActorNetMetrics.MeterName && instrument.Name is "actornet.sink.frames.written" or "actornet.frames.quarantined")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (instrument.Name == "actornet.frames.quarantined")
                {
                    Interlocked.Add(ref _quarantined, value);
                    return;
                }
                foreach (var tag in tags)
                {
                    if (tag.Key != "sink" || (string?)tag.Value != sink) continue;
                    if (Interlocked.Add(ref _frames, value) >= _expected) Interlocked.CompareExchange(ref _completedAt, Stopwatch.GetTimestamp(), 0);
                }
            });
            _listener.Start();
        }

        public long Frames => Interlocked.Read(ref _frames);
        public long Quarantined => Interlocked.Read(ref _quarantined);
        public long CompletedAt => Interlocked.Read(ref _completedAt);

        public void Dispose() => _listener.Dispose();
    }
}
