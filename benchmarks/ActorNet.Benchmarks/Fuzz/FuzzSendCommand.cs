using System.Globalization;
using System.Net;
using ActorNet.Benchmarks.CommandLine;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// <c>fuzz-send</c>: the generator half of <c>fuzz</c>, in a process of its own so that the measured host holds
/// neither its sockets nor its work. Prints <c>progress N</c> (frames sent) as it goes, then <c>expect TALLY</c>
/// (what the sinks must hold, <see cref="FuzzTally.ToLine"/>) and <c>cut-short N</c>.
/// </summary>
public static class FuzzSendCommand
{
    public const string ProgressPrefix = "progress ";
    public const string ExpectPrefix = "expect ";
    public const string CutShortPrefix = "cut-short ";

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        int port = options.Int("port", null, 1, 65535);
        var run = FuzzOptions.Read(options, single: true);
        options.ThrowIfUnread();

        var shape = run.Shapes.Single();
        var plan = new FuzzPlan(shape, run.Seed, run.Frames, run.MutationPercent / 100.0);
        long lastPrinted = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var gate = new object();
        var result = await FuzzSender.SendAsync(shape, new IPEndPoint(IPAddress.Loopback, port), plan.Sessions(), run.Concurrency,
            sent =>
            {
                lock (gate)
                {
                    if (clock.Elapsed.Ticks - lastPrinted < ProgressInterval.Ticks) return;
                    lastPrinted = clock.Elapsed.Ticks;
                    Console.WriteLine(ProgressPrefix + sent.ToString(CultureInfo.InvariantCulture));
                }
            }, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(ProgressPrefix + result.Expected.Frames.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine(ExpectPrefix + result.Expected.ToLine());
        Console.WriteLine(CutShortPrefix + result.CutShort.ToString(CultureInfo.InvariantCulture));
        return 0;
    }
}
