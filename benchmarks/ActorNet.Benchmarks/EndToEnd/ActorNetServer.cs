using System.Diagnostics.Metrics;
using System.Net;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Metrics;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// ActorNet in the same shape as the raw ceiling: one tcp-listen source on 127.0.0.1 framing as the workload
/// does, a text parser, and a blackhole sink, so that what is measured is ActorNet's receive path and not a
/// sink's I/O. Frames and connections are counted from ActorNet's own metrics (the "ActorNet" meter), as an
/// operator would see them. This is the only file that knows ActorNet's API.
/// </summary>
public sealed class ActorNetServer : ICountingServer
{
    // Literals, not ActorNetMetrics.X.Name: the listener's callback runs while ActorNetMetrics' static constructor
    // is creating its instruments, when the later fields are still null. A renamed instrument shows up as a
    // phase whose count stays at zero.
    private const string FramesWrittenInstrument = "actornet.sink.frames.written";
    private const string ConnectionsActiveInstrument = "actornet.connections.active";
    private const string FramesQuarantinedInstrument = "actornet.frames.quarantined";
    private const string SocketReadsInstrument = "actornet.socket.reads";
    private const string BytesReceivedInstrument = "actornet.bytes.received";
    private const string RecordDroppedInstrument = "actornet.record.dropped";
    private const string SourceName = "bench";
    private const string SinkName = "blackhole";
    private const string StalledSinkType = "stalled-blackhole";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly MeterListener _metrics = new();
    private IHost? _host;
    private long _frames;
    private long _active;
    private long _quarantined;
    private long _reads;
    private long _bytes;
    private long _recordDropped;
    private BenchmarkCertificate? _certificate;

    private ActorNetServer(IPEndPoint endPoint, bool tls)
    {
        EndPoint = endPoint;
        _certificate = tls ? new BenchmarkCertificate() : null;
        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorNetMetrics.MeterName
                && instrument.Name is FramesWrittenInstrument or ConnectionsActiveInstrument or FramesQuarantinedInstrument
                    or SocketReadsInstrument or BytesReceivedInstrument or RecordDroppedInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _metrics.SetMeasurementEventCallback<long>(OnMeasurement);
        _metrics.Start();
    }

    public string Name => _certificate is null ? "actornet" : "actornet-tls";

    /// <summary>The sink, when it was started with a stall; otherwise null.</summary>
    public StalledSink? StalledSink { get; private set; }

    /// <summary>actornet.max-buffered-bytes as ActorNet parsed it.</summary>
    public long MaxBufferedBytes { get; private set; }

    public IPEndPoint EndPoint { get; }

    public long FramesReceived => Interlocked.Read(ref _frames);

    public long ConnectionsActive => Interlocked.Read(ref _active);

    /// <summary>
    /// Frames quarantined. Blackhole is also the quarantine sink, so a rejected frame would still be counted as
    /// written; this is what tells the two apart.
    /// </summary>
    public long Rejections => Interlocked.Read(ref _quarantined);

    /// <summary>Records the source's recording dropped (actornet_record_dropped_total, any reason); 0 when not recording.</summary>
    public long RecordDropped => Interlocked.Read(ref _recordDropped);

    /// <summary>Average bytes per socket read so far: the figure that matters most for throughput.</summary>
    public double BytesPerRead => Interlocked.Read(ref _bytes) / (double)Math.Max(1, Interlocked.Read(ref _reads));

    /// <summary>Starts ActorNet on a free loopback port and returns once that port accepts connections.</summary>
    /// <param name="tls">The source speaks TLS with a self-signed certificate made for this server.</param>
    public static async Task<ActorNetServer> StartAsync(
        WireFraming framing, int maxPayloadLength, ActorNetTuning tuning, CancellationToken cancellationToken, bool tls = false)
    {
        // ActorNet cannot bind port 0, so take a port the OS just handed out (see FreePort for the small race).
        var server = new ActorNetServer(new IPEndPoint(IPAddress.Loopback, FreePort.Pick()), tls);
        try
        {
            ActorNetSettings settings = Settings(server.EndPoint.Port, framing, maxPayloadLength, tuning, server._certificate);
            server.MaxBufferedBytes = settings.MaxBufferedBytes;
            if (tuning.SinkStall > TimeSpan.Zero)
            {
                server.StalledSink = new StalledSink(tuning.SinkStall);
            }

            // As ActorNet.Host's run command composes it, minus Serilog: no config files, no console lifetime
            // (this process handles Ctrl+C itself), warnings and errors only so that the figures stay readable.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
            builder.Services.AddAkka("actornet", akka =>
            {
                akka.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                });
                akka.WithActorNet(settings, options => options.AddSinkType(StalledSinkType, _ => server.StalledSink!));
            });
            server._host = builder.Build();
            await server._host.StartAsync(cancellationToken).ConfigureAwait(false);

            // ActorNet binds synchronously in start-up, so the probe normally succeeds at once; it is kept because
            // "started" is not a documented promise of bound. Its own connection is counted and closed: wait for it
            // to leave the active count so that the idle measurement starts from zero. (With TLS the probe's
            // connection fails its handshake, which is counted as a rejection before any phase starts counting.)
            await ListenerProbe.WaitUntilAcceptingAsync(server.EndPoint, StartTimeout, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < 500 && server.ConnectionsActive > 0; i++)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Fails with a usage error, before any phase, if ActorNet would refuse the tuning (a bad size).</summary>
    public static void Check(ActorNetTuning tuning)
    {
        try
        {
            Settings(port: 1, WireFraming.Lines, maxPayloadLength: 64 * 1024, tuning);
        }
        catch (InvalidConfigurationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Console.WriteLine($"actornet: {BytesPerRead:N0} bytes per socket read on average");
        if (_host is { } host)
        {
            // Bounded by HostOptions.ShutdownTimeout (ActorNet's shutdown-timeout plus a margin), set above.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            _host = null;
        }

        _metrics.Dispose();
        _certificate?.Dispose();
        _certificate = null;
    }

    /// <param name="port">The port to listen on.</param>
    /// <param name="framing">The workload's framing.</param>
    /// <param name="maxPayloadLength">Largest payload; ActorNet's length-field max-frame-length also counts the header.</param>
    internal static ActorNetSettings Settings(int port, WireFraming framing, int maxPayloadLength, ActorNetTuning tuning,
        BenchmarkCertificate? certificate = null) =>
        ActorNetSettings.Create(
            ActorNetSettings.ParseOverlay(Hocon(port, framing, maxPayloadLength, tuning, certificate)),
            ActorNetSettings.BuiltInParsers, [.. ActorNetSettings.BuiltInSinkTypes, StalledSinkType]);

    /// <param name="tuning">Keys that differ from e2e's usual ones (the stalled-sink measurement).</param>
    private static string Hocon(int port, WireFraming framing, int maxPayloadLength, ActorNetTuning tuning, BenchmarkCertificate? certificate)
    {
        string tls = certificate is null ? "" : $"tls {{ certificate = \"{certificate.CertificatePath}\", private-key = \"{certificate.KeyPath}\" }}";
        string framingBlock = framing switch
        {
            WireFraming.Lines => $$"""{ type = delimiter, delimiter = "\n", max-frame-length = {{maxPayloadLength}} }""",
            WireFraming.LengthField =>
                $$"""{ type = length-field, length-field-length = 4, max-frame-length = {{maxPayloadLength + 4}} }""",
            _ => throw new ArgumentOutOfRangeException(nameof(framing), framing, null),
        };
        string maxBuffered = tuning.MaxBufferedBytes is { } size ? $"max-buffered-bytes = \"{size}\"" : "";
        string maxInflight = tuning.MaxInflightBytes is { } inflight ? $"max-inflight-bytes = \"{inflight}\"" : "";
        string record = tuning.RecordDir is { } dir ? $"record {{ enabled = on, dir = \"{dir}\", max-size = 64 GiB }}" : "";

        // A stalled sink blocks its thread, so it gets one of its own; the usual blackhole never blocks.
        string sink = tuning.SinkStall > TimeSpan.Zero
            ? $"type = {StalledSinkType}, dedicated-thread = on"
            : "type = blackhole, dedicated-thread = off";
        return $$"""
            actornet {
              {{maxBuffered}}
              sources.{{SourceName}} {
                type = tcp-listen, host = "127.0.0.1", port = {{port}}, max-connections = 20000
                # idle-timeout at its default (5m), longer than the idle measurement holds its quiet peers: the figures
                # are the default configuration's.
                {{maxInflight}}
                framing {{framingBlock}}
                parser = text, sinks = [ {{SinkName}} ], quarantine = {{SinkName}}
                {{record}}
                {{tls}}
              }
              # The blackhole never blocks: no thread of its own (a wake-up per batch would be measured otherwise).
              sinks.{{SinkName}} { {{sink}} }
            }
            """;
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == FramesWrittenInstrument)
        {
            if (HasTag(tags, "sink", SinkName))
            {
                Interlocked.Add(ref _frames, value);
            }
        }
        else if (instrument.Name == RecordDroppedInstrument)
        {
            Interlocked.Add(ref _recordDropped, value);
        }
        else if (instrument.Name is SocketReadsInstrument or BytesReceivedInstrument)
        {
            if (HasTag(tags, "source", SourceName))
            {
                Interlocked.Add(ref instrument.Name == SocketReadsInstrument ? ref _reads : ref _bytes, value);
            }
        }
        else if (HasTag(tags, "source", SourceName))
        {
            Interlocked.Add(ref instrument.Name == ConnectionsActiveInstrument ? ref _active : ref _quarantined, value);
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

/// <summary>What e2e may change in ActorNet's configuration.</summary>
/// <param name="MaxBufferedBytes">actornet.max-buffered-bytes as given (e.g. "64 MiB"), or null for the default.</param>
/// <param name="SinkStall">How long the sink's first write blocks; zero for the plain blackhole.</param>
public sealed record ActorNetTuning(string? MaxBufferedBytes, TimeSpan SinkStall)
{
    /// <summary>--record: the source records every read into this directory (record.enabled); null = off.</summary>
    public string? RecordDir { get; init; }

    /// <summary>--max-inflight-bytes: the source's max-inflight-bytes as given (e.g. "64 KiB"); null = the default.</summary>
    public string? MaxInflightBytes { get; init; }

    public static ActorNetTuning Default { get; } = new(null, TimeSpan.Zero);
}
