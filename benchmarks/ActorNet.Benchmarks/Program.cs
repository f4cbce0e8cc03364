using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.EndToEnd;
using ActorNet.Benchmarks.Fuzz;
using ActorNet.Benchmarks.Idle;
using ActorNet.Benchmarks.Latency;
using ActorNet.Benchmarks.LoadGen;
using ActorNet.Benchmarks.Recording;
using ActorNet.Benchmarks.Rsyslog;
using ActorNet.Benchmarks.Storage;
using ActorNet.Benchmarks.Udp;
using BenchmarkDotNet.Running;

namespace ActorNet.Benchmarks;

/// <summary>Dispatches on the first argument to one benchmark; see <see cref="Usage"/>.</summary>
public static class Program
{
    private const string Usage = $"""
        usage: ActorNet.Benchmarks <command> [options]      (build with -c Release; all traffic stays on 127.0.0.1)

          decoders [BenchmarkDotNet options]
              Decoder micro-benchmarks (BenchmarkDotNet), e.g. decoders --filter '*'
        {LoadGenCommand.Usage}
        {EndToEndCommand.Usage}
        {IdleCommand.Usage}
        {LatencyCommand.Usage}
        {StoreCommand.Usage}
        {JsonlVsRsyslogCommand.Usage}
        {UdpCommand.Usage}
        {RecordReplayCommand.Usage}
        {FuzzCommand.Usage}
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C stops the run cleanly (sockets closed, child released); a second one kills as usual.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };

        string command = args[0];
        string[] rest = args[1..];
        try
        {
            return command switch
            {
                "decoders" => RunDecoders(rest),
                "loadgen" => await LoadGenCommand.RunAsync(new OptionReader(rest, "idle", "paced", "exit-on-stdin-eof", "tls"), cancel.Token),
                "e2e" => await EndToEndCommand.RunAsync(new OptionReader(rest), cancel.Token),
                "idle" => await IdleCommand.RunAsync(new OptionReader(rest), cancel.Token),
                "latency" => await LatencyCommand.RunAsync(new OptionReader(rest, "half-of-saturation"), cancel.Token),
                "store" => await StoreCommand.RunAsync(new OptionReader(rest), cancel.Token),
                "jsonl-vs-rsyslog" => await JsonlVsRsyslogCommand.RunAsync(new OptionReader(rest), cancel.Token),
                "udp" => await UdpCommand.RunAsync(new OptionReader(rest, "alloc-types", "ceiling"), cancel.Token),
                "udp-send" => UdpCommand.RunSender(new OptionReader(rest)),
                "record-replay" => await RecordReplayCommand.RunAsync(new OptionReader(rest), cancel.Token),
                "fuzz" => await FuzzCommand.RunAsync(new OptionReader(rest, "keep"), cancel.Token),
                "fuzz-send" => await FuzzSendCommand.RunAsync(new OptionReader(rest), cancel.Token),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("run without arguments for usage");
            return 2;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }

    private static int RunDecoders(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
