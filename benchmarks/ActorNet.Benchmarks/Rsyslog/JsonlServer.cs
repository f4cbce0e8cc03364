using System.Diagnostics;
using System.Net;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.Storage;
using ActorNet.Configuration;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>
/// ActorNet in this process, composed as the store benchmark's <see cref="StoreServer"/> (one tcp-listen source on
/// 127.0.0.1, newline framing, <c>text</c> parser, quarantine to a blackhole of its own) with one <c>jsonl</c> sink
/// whose only keys are its type and a path in a temporary folder: buffer-size, flush-interval and dedicated-thread
/// are reference.conf's. The folder is deleted when the server is disposed (after ActorNet has drained).
/// <para>
/// Peak RSS is this process's (VmHWM, reset once ActorNet has started, as in <c>e2e</c>): ActorNet plus the
/// benchmark's small fixed part (the file tail of <see cref="FileLineCounter"/>, the child's output reader); the
/// load generator is a child process. CPU time is this process's, poller included.
/// </para>
/// </summary>
public sealed class JsonlServer : IFileSinkServer
{
    private readonly StoreServer _server;
    private readonly string _directory;
    private readonly PeakWorkingSet _memory;
    private readonly TimeSpan _cpuAtStart;

    private JsonlServer(StoreServer server, string directory, string outputPath)
    {
        _server = server;
        _directory = directory;
        OutputPath = outputPath;
        _memory = PeakWorkingSet.StartPhase();
        _cpuAtStart = ProcessCpu();
    }

    public string Name => "actornet";

    public IPEndPoint EndPoint => _server.EndPoint;

    public string OutputPath { get; }

    public long Rejections => _server.Rejections;

    public ActorNetSettings Settings => _server.Settings;

    public static async Task<JsonlServer> StartAsync(int maxPayload, long expected, CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("actornet-bench-jsonl-").FullName;
        string path = Path.Combine(directory, "frames.jsonl");
        try
        {
            ProcessMemory.FullCollect();
            ActorNetSettings settings = StoreServer.Configure(maxPayload, $"type = jsonl, path = {HoconString.Quote(path)}");
            StoreServer server = await StoreServer.StartAsync(settings, expected, cancellationToken).ConfigureAwait(false);
            // Start-up garbage (a host, an actor system) is not part of what is measured.
            ProcessMemory.FullCollect();
            return new JsonlServer(server, directory, path);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public long PeakResidentBytes()
    {
        _memory.Sample();
        return _memory.Peak;
    }

    public TimeSpan CpuTime() => ProcessCpu() - _cpuAtStart;

    public string Diagnostics() =>
        $"the jsonl sink reported {_server.FramesWritten:N0} frames written, {_server.WriteFailures} failed writes, {_server.Rejections} quarantined";

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not delete {_directory}: {e.Message}");
        }
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
