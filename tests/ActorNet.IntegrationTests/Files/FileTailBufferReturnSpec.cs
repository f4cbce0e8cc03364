using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Connections;
using ActorNet.IntegrationTests.Support;
using ActorNet.Protocol;
using Xunit;

namespace ActorNet.IntegrationTests.Files;

/// <summary>
/// A file tail that stops while it holds the start of a line (a drain, with the writer mid-line) gives the buffer that
/// holds it back to the pool, as a closed connection does; it abandoned it before, whatever the state. Only a buffer a
/// read may still be completing into is left to the collector.
/// </summary>
[Collection(BufferPoolCollection.Name)]
public sealed class FileTailBufferReturnSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_tail_stopped_holding_a_partial_line_gives_its_buffer_back_to_the_pool()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("tail-buffer");
        var log = directory.File("app.log");
        var frames = directory.File("frames.jsonl");
        await File.WriteAllTextAsync(log, "first\nsec");
        using var inflight = new MetricTotal("actornet.inflight.frames", source);
        await using var actorNet = await InProcessActorNet.StartAsync($$"""
            actornet {
              http.enabled = off
              sources.{{source}} {
                type = file, path = "{{log}}", poll-interval = 20ms
                checkpoint-dir = "{{directory.File("checkpoints")}}"
                parser = text, sinks = [ out ], quarantine = out
              }
              sinks.out { type = jsonl, path = "{{frames}}", flush-interval = 20ms }
            }
            """);

        // "first" stored and its batch back from the sink: what the tail holds now is "sec", in its cutter's buffer.
        await Eventually.TrueAsync(() => File.Exists(frames) && JsonlRecords.Read(frames).Count == 1 && inflight.Total == 0, Bound,
            () => $"the first line stored and acknowledged; inflight {inflight.Total}\n{actorNet.Log.Dump()}");
        var before = BatchBuffers.OutstandingByteArrays;

        await actorNet.StopAsync();

        Assert.True(BatchBuffers.OutstandingByteArrays < before,
            $"the stopped tail's buffer is back in the pool: {before} byte arrays out before the stop, {BatchBuffers.OutstandingByteArrays} after");
    }
}
