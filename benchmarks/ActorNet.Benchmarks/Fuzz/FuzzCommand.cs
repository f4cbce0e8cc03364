using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// <c>fuzz</c>: seeded, mutated frames through the real pipeline for each framing x parser (see <see cref="FuzzShapeRun"/>),
/// one summary line each. Exits 1 when any of them failed.
/// </summary>
public static class FuzzCommand
{
    public const string Usage = """
          fuzz [--framing all|delimiter|length-field|length-field-resync|fixed|raw[,...]] [--parser all|text|json|binary[,...]]
               [--frames 1000000] [--seed 42] [--mutation-percent 10] [--concurrency 8] [--warm-up-percent 10] [--keep]
              Per framing x parser: ActorNet (tcp-listen on 127.0.0.1, jsonl sinks) fed FRAMES frames drawn from a
              seeded FsCheck corpus, MUTATION-PERCENT of them mutated (bit flips, byte insert/delete, truncation,
              length-field corruption, delimiter injection, huge lengths, invalid UTF-8) and written in random splits
              by a child process (fuzz-send) on CONCURRENCY connections at a time. Checks: no crash (nothing logged at
              error, no exception, no connection restart, a valid frame still stored afterwards), every frame the
              reference framing and parser oracle accept stored with its content, every other one quarantined, RSS at
              the end within 10 % of RSS after WARM-UP-PERCENT of the frames. Sinks are deleted after a pass unless --keep.
        """;

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        var run = FuzzOptions.Read(options, single: false);
        int warmUp = options.Int("warm-up-percent", 10, 1, 90);
        bool keep = options.Flag("keep");
        options.ThrowIfUnread();

        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine($"fuzz: seed {run.Seed}, {run.Frames:N0} frames per framing x parser, {run.MutationPercent} % mutated, " +
            $"{run.Concurrency} connections at a time");
        string root = Path.Combine(Path.GetTempPath(), $"actornet-fuzz-{Environment.ProcessId}");
        int failed = 0;
        foreach (var shape in run.Shapes)
        {
            string directory = Path.Combine(root, shape.Name.Replace('/', '-'));
            var result = await FuzzShapeRun.RunAsync(shape, run, warmUp, directory, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(result.Summary());
            foreach (string line in result.Details()) Console.WriteLine(line);
            if (!result.Passed) failed++;
            else if (!keep) Directory.Delete(directory, recursive: true);
        }

        Console.WriteLine(failed == 0 ? $"fuzz: all {run.Shapes.Count} passed" : $"fuzz: {failed} of {run.Shapes.Count} FAILED");
        return failed == 0 ? 0 : 1;
    }
}
