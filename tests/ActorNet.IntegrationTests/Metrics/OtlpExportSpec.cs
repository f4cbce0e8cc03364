using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Metrics;

/// <summary><c>actornet.otlp</c> in the real executable, pushing to an OTLP/HTTP receiver on loopback.</summary>
public sealed class OtlpExportSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_pushes_the_ActorNet_and_runtime_metrics_as_protobuf_to_the_collector()
    {
        using var receiver = new OtlpHttpReceiver();
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("otlp");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: $"otlp {{ endpoint = \"{receiver.Endpoint}\", protocol = http/protobuf, interval = 200ms }}"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"Source {source} listening", Bound);
        using (var peer = await Loopback.ConnectAsync(port))
        {
            await peer.SendAsync("one\ntwo\nthree\n"u8.ToArray(), SocketFlags.None);
            await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 3, Bound, () => process.Output);
        }

        // The frames counter, labelled with this source, and the sink's counter arrive with an export after the frames were stored.
        await Eventually.TrueAsync(() => receiver.Requests.Any(Complete), Bound,
            () => $"an export naming actornet.frames.received, {source} and actornet.sink.frames.written; {receiver.Requests.Count} request(s) received{Environment.NewLine}{process.Output}");

        var exports = receiver.Requests.ToArray();
        Assert.All(exports, r => Assert.Equal(("POST", "/v1/metrics", "application/x-protobuf"), (r.Method, r.Path, r.ContentType)));
        var export = exports.First(Complete);
        Assert.True(export.Holds("dotnet.gc.collections") && export.Holds("dotnet.process.memory.working_set"), "the System.Runtime meter is exported too");
        Assert.True(export.Holds("service.name") && export.Holds("actornet"), "the resource names the service");

        await process.TerminateAsync();
        Assert.Equal(0, await process.WaitForExitAsync(Bound));

        bool Complete(ReceivedExport r) => r.Holds("actornet.frames.received") && r.Holds(source) && r.Holds("actornet.sink.frames.written");
    }

    [Fact]
    public async Task A_collector_that_cannot_be_reached_is_logged_once_a_minute_and_counted_and_ingestion_goes_on()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("otlp-down");
        var port = Loopback.FreePort();
        // Nothing listens on this port: every export fails to connect.
        var collectorPort = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: $"otlp {{ endpoint = \"http://127.0.0.1:{collectorPort}\", protocol = http/protobuf, interval = 100ms }}"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync("OTLP export:", Bound);
        await process.WaitForOutputAsync($"Source {source} listening", Bound);
        using (var peer = await Loopback.ConnectAsync(port))
        {
            await peer.SendAsync("still stored\n"u8.ToArray(), SocketFlags.None);
            await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1, Bound, () => process.Output);
        }
        // Exports every 100 ms keep failing meanwhile: still one line, the next held back for a minute.
        Assert.Equal(1, process.Output.Split('\n').Count(l => l.Contains("OTLP export:", StringComparison.Ordinal)));

        await process.TerminateAsync();
        Assert.Equal(0, await process.WaitForExitAsync(Bound));
    }

    [Fact]
    public async Task Run_pushes_the_metrics_over_grpc_when_the_protocol_says_so()
    {
        await using var receiver = await OtlpGrpcReceiver.StartAsync();
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("otlp-grpc");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: $"otlp {{ endpoint = \"{receiver.Endpoint}\", protocol = grpc, interval = 200ms, headers = \"x-tenant=plant-7\" }}"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"Source {source} listening", Bound);
        using (var peer = await Loopback.ConnectAsync(port))
        {
            await peer.SendAsync("one\n"u8.ToArray(), SocketFlags.None);
            await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1, Bound, () => process.Output);
        }

        await Eventually.TrueAsync(() => receiver.Requests.Any(r => r.Holds("actornet.frames.received") && r.Holds(source)), Bound,
            () => $"a gRPC export naming actornet.frames.received and {source}; {receiver.Requests.Count} request(s) received{Environment.NewLine}{process.Output}");
        Assert.All(receiver.Requests, r => Assert.Equal(("POST", OtlpGrpcReceiver.ExportPath, "application/grpc"), (r.Method, r.Path, r.ContentType)));
        Assert.All(receiver.Requests, r => Assert.Equal("plant-7", r.Headers.GetValueOrDefault("x-tenant")));

        await process.TerminateAsync();
        Assert.Equal(0, await process.WaitForExitAsync(Bound));
    }
}
