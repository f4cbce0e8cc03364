using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using ActorNet.Benchmarks.Common;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Metrics;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// ActorNet with one tcp-listen source of newline-delimited text on 127.0.0.1 and one database sink, composed as
/// the e2e benchmark's ActorNetServer is (Akka.Hosting, <c>WithActorNet</c>). Quarantined frames go to a
/// blackhole of their own, so the database holds data rows only and any rejection is seen in
/// <see cref="Rejections"/>. Progress comes from ActorNet's own metrics: the sink adds to
/// <c>actornet.sink.frames.written</c> after each batch's commit, once per batch, so the same events give the
/// committed frames, the number of transactions and the moment the last expected frame was committed.
/// </summary>
public sealed class StoreServer : IAsyncDisposable
{
    // Literals, not ActorNetMetrics.X.Name: see ActorNetServer (the callback can run inside ActorNetMetrics' static
    // constructor, before the later fields are set).
    private const string FramesWrittenInstrument = "actornet.sink.frames.written";
    private const string WriteFailuresInstrument = "actornet.sink.write.failures";
    private const string WriteSecondsInstrument = "actornet.sink.write";
    private const string FramesQuarantinedInstrument = "actornet.frames.quarantined";
    private const string SocketReadsInstrument = "actornet.socket.reads";
    private const string BytesReceivedInstrument = "actornet.bytes.received";
    private const string SourceName = "bench";
    private const string SinkName = "store";
    private const string QuarantineName = "rejects";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly MeterListener _metrics = new();
    private readonly long _expected;
    private IHost? _host;
    private long _frames;
    private long _batches;
    private long _failures;
    private long _writeNanoseconds;
    private long _quarantined;
    private long _reads;
    private long _bytes;
    private long _completedAt;

    private StoreServer(ActorNetSettings settings, long expected)
    {
        Settings = settings;
        _expected = expected;
        EndPoint = new IPEndPoint(IPAddress.Loopback, settings.Sources[0].Port);
        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorNetMetrics.MeterName
                && instrument.Name is FramesWrittenInstrument or WriteFailuresInstrument or WriteSecondsInstrument
                    or FramesQuarantinedInstrument or SocketReadsInstrument or BytesReceivedInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _metrics.SetMeasurementEventCallback<long>(OnMeasurement);
        _metrics.SetMeasurementEventCallback<double>(OnWriteSeconds);
        _metrics.Start();
    }

    public ActorNetSettings Settings { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Frames the database sink has committed.</summary>
    public long FramesWritten => Interlocked.Read(ref _frames);

    /// <summary>Batches the database sink has committed: one transaction each.</summary>
    public long BatchesWritten => Interlocked.Read(ref _batches);

    /// <summary>
    /// Time the sink spent in its successful writes (the <c>actornet.sink.write</c> histogram, summed): close to the
    /// elapsed time when the sink, not what feeds it, sets the pace.
    /// </summary>
    public TimeSpan SinkWriteTime => TimeSpan.FromTicks(Interlocked.Read(ref _writeNanoseconds) / 100);

    /// <summary>Sink writes that failed and were retried (the sink actor retries with backoff).</summary>
    public long WriteFailures => Interlocked.Read(ref _failures);

    /// <summary>Frames quarantined; the workload is well-formed, so any is a failed run.</summary>
    public long Rejections => Interlocked.Read(ref _quarantined);

    public double BytesPerRead => Interlocked.Read(ref _bytes) / (double)Math.Max(1, Interlocked.Read(ref _reads));

    /// <summary>The <see cref="Stopwatch"/> timestamp of the commit that brought the count to the expected total, or null.</summary>
    public long? CompletedAt => Interlocked.Read(ref _completedAt) is var at and not 0 ? at : null;

    /// <summary>The configuration of a run: a free loopback port, lines of at most <paramref name="maxPayload"/> bytes, the sink's keys.</summary>
    public static ActorNetSettings Configure(int maxPayload, string sinkKeys) =>
        ActorNetSettings.Parse($$"""
            actornet {
              sources.{{SourceName}} {
                type = tcp-listen, host = "127.0.0.1", port = {{FreePort.Pick()}}
                framing { type = delimiter, delimiter = "\n", max-frame-length = {{maxPayload}} }
                parser = text, sinks = [ {{SinkName}} ], quarantine = {{QuarantineName}}
              }
              # Everything else about the store sink (buffer-size, flush-interval, dedicated-thread) is reference.conf's.
              sinks.{{SinkName}} { {{sinkKeys}} }
              sinks.{{QuarantineName}} { type = blackhole, dedicated-thread = off }
            }
            """);

    /// <summary>What decides the sink's batches and transactions, as read from <paramref name="settings"/> (not repeated defaults).</summary>
    public static string Describe(ActorNetSettings settings)
    {
        SinkSettings sink = settings.Sinks[SinkName];
        SourceSettings source = settings.Sources[0];
        return string.Create(CultureInfo.InvariantCulture,
            $"sink {SinkName}: type = {sink.Type}, buffer-size = {sink.BufferSize} B, flush-interval = {sink.FlushInterval.TotalMilliseconds:0} ms, " +
            $"dedicated-thread = {(sink.DedicatedThread ? "on" : "off")} (reference.conf defaults; the {sink.Type} sink commits each batch it is " +
            $"given in one transaction and uses neither buffer-size nor flush-interval). Batches come from the source: one per socket read, " +
            $"read-buffer-size = {source.ReadBufferSize} B, max-inflight-frames = {source.MaxInflightFrames} and max-inflight-bytes = {source.MaxInflightBytes} B per connection, " +
            $"parser-parallelism = {source.ParserParallelism}.");
    }

    /// <summary>Starts ActorNet and returns once its port accepts connections.</summary>
    /// <param name="expected">Frames the run sends; <see cref="CompletedAt"/> is set when that many are committed.</param>
    public static async Task<StoreServer> StartAsync(ActorNetSettings settings, long expected, CancellationToken cancellationToken)
    {
        var server = new StoreServer(settings, expected);
        try
        {
            // As ActorNetServer (and the host's run command) compose it: warnings and errors only, no console lifetime.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
            builder.Services.AddAkka("actornet-store", akka =>
            {
                akka.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                });
                akka.WithActorNet(settings);
            });
            server._host = builder.Build();
            await server._host.StartAsync(cancellationToken).ConfigureAwait(false);
            // The probe's own connection sends nothing, so it adds no frame; it only proves the listener is bound.
            await ListenerProbe.WaitUntilAcceptingAsync(server.EndPoint, StartTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops ActorNet (a drain: every frame read is written and the sink closed), bounded by its shutdown-timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
        }

        _metrics.Dispose();
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case FramesWrittenInstrument when HasTag(tags, "sink", SinkName):
                Interlocked.Increment(ref _batches);
                if (Interlocked.Add(ref _frames, value) >= _expected)
                {
                    Interlocked.CompareExchange(ref _completedAt, Stopwatch.GetTimestamp(), 0);
                }

                break;
            case WriteFailuresInstrument when HasTag(tags, "sink", SinkName):
                Interlocked.Add(ref _failures, value);
                break;
            case FramesQuarantinedInstrument when HasTag(tags, "source", SourceName):
                Interlocked.Add(ref _quarantined, value);
                break;
            case SocketReadsInstrument when HasTag(tags, "source", SourceName):
                Interlocked.Add(ref _reads, value);
                break;
            case BytesReceivedInstrument when HasTag(tags, "source", SourceName):
                Interlocked.Add(ref _bytes, value);
                break;
        }
    }

    private void OnWriteSeconds(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == WriteSecondsInstrument && HasTag(tags, "sink", SinkName))
        {
            Interlocked.Add(ref _writeNanoseconds, (long)(seconds * 1e9));
        }
    }

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key, string expected)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string == expected;
            }
        }

        return false;
    }
}
