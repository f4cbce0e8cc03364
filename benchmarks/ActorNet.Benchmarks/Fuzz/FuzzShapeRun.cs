using System.Diagnostics;
using System.Globalization;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.EndToEnd;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// One framing x parser of <c>fuzz</c>: a fresh ActorNet host, the generator (<c>fuzz-send</c>) in a child process,
/// RSS after warm-up and at the end, a valid frame on a new connection afterwards (the host still serves), a
/// graceful stop, and the sinks compared with what the generator says they must hold.
/// </summary>
public static class FuzzShapeRun
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CanaryWait = TimeSpan.FromSeconds(15);

    public static async Task<FuzzResult> RunAsync(FuzzShape shape, FuzzOptions run, int warmUpPercent, string directory, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var host = await FuzzHost.StartAsync(shape, directory, cancellationToken).ConfigureAwait(false);
        await using var rss = RssTimeline.Start();

        long warmUpFrames = Math.Max(1, run.Frames * warmUpPercent / 100);
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? expectLine = null, cutShortLine = null;
        var errors = new System.Text.StringBuilder();
        using (var child = StartGenerator(run, shape, host, line =>
               {
                   if (line.StartsWith(FuzzSendCommand.ProgressPrefix, StringComparison.Ordinal)
                       && long.Parse(line.AsSpan(FuzzSendCommand.ProgressPrefix.Length), CultureInfo.InvariantCulture) >= warmUpFrames)
                   {
                       warmedUp.TrySetResult();
                   }
                   else if (line.StartsWith(FuzzSendCommand.ExpectPrefix, StringComparison.Ordinal)) expectLine = line[FuzzSendCommand.ExpectPrefix.Length..];
                   else if (line.StartsWith(FuzzSendCommand.CutShortPrefix, StringComparison.Ordinal)) cutShortLine = line[FuzzSendCommand.CutShortPrefix.Length..];
               }, errors))
        {
            var exited = child.WaitForExitAsync(cancellationToken);
            await Task.WhenAny(warmedUp.Task, exited).ConfigureAwait(false);
            long warmRss = MeasureRss();
            await exited.ConfigureAwait(false);
            if (child.ExitCode != 0 || expectLine is null || cutShortLine is null)
            {
                throw new BenchmarkFailedException($"fuzz-send for {shape.Name} exited with {child.ExitCode}: {errors}");
            }

            var plan = new FuzzPlan(shape, run.Seed, 1, 0);
            var canary = plan.Canary();
            var fuzzed = FuzzTally.Parse(expectLine);
            var expected = fuzzed.Plus(FuzzTally.Expected(shape, canary));
            using var frames = new FileLineCounter(host.FramesPath);
            using var quarantine = new FileLineCounter(host.QuarantinePath);
            await SettleAsync(frames, quarantine, fuzzed, shape, cancellationToken).ConfigureAwait(false);
            long before = frames.Update();
            await FuzzSender.SendOneAsync(host.EndPoint, canary, 0, cancellationToken).ConfigureAwait(false);
            bool alive = await WaitForLinesAsync(frames, before + 1, CanaryWait, cancellationToken).ConfigureAwait(false);
            await SettleAsync(frames, quarantine, expected, shape, cancellationToken).ConfigureAwait(false);
            long endRss = MeasureRss();
            long peakRss = rss.Samples.Max(s => s.Bytes);

            await host.StopAsync().ConfigureAwait(false);
            var actual = SinkContents.Read(shape, host.FramesPath, host.QuarantinePath);
            return new FuzzResult(shape, expected, actual, long.Parse(cutShortLine, CultureInfo.InvariantCulture), alive,
                host.Log.CrashSignals, [.. host.Log.FirstLines], warmRss, endRss, peakRss, clock.Elapsed, directory);
        }
    }

    private static Process StartGenerator(FuzzOptions run, FuzzShape shape, FuzzHost host, Action<string> onLine, System.Text.StringBuilder errors)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        ThisProgram.Set(start);
        start.ArgumentList.Add("fuzz-send");
        foreach (string argument in run.SendArguments(shape)) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(host.EndPoint.Port.ToString(CultureInfo.InvariantCulture));
        var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) onLine(e.Data);
        };
        child.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (e.Data is not null && errors.Length < 8192) errors.AppendLine(e.Data);
            }
        };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    /// <summary>RSS after a full, compacting collection: what the process holds, not garbage it has yet to collect.</summary>
    private static long MeasureRss()
    {
        ProcessMemory.FullCollect();
        return ProcessMemory.WorkingSetBytes();
    }

    /// <summary>
    /// Waits until the sinks hold as many records as expected (raw framing: an unknown number) or their files have
    /// not grown for a few seconds, whichever comes first. A shortfall is then reported by the comparison.
    /// </summary>
    private static async Task SettleAsync(FileLineCounter frames, FileLineCounter quarantine, FuzzTally expected, FuzzShape shape, CancellationToken cancellationToken)
    {
        long target = shape.Framing == FuzzFraming.Raw ? long.MaxValue : expected.Accepted + expected.Rejected;
        long last = -1;
        var still = Stopwatch.StartNew();
        while (true)
        {
            long lines = frames.Update() + quarantine.Update();
            if (lines >= target) return;
            if (lines != last)
            {
                last = lines;
                still.Restart();
            }
            else if (still.Elapsed > Settle)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> WaitForLinesAsync(FileLineCounter counter, long lines, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (counter.Update() < lines)
        {
            if (clock.Elapsed > within) return false;
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
