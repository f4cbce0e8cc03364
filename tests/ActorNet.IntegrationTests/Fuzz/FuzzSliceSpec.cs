using System.Net;
using ActorNet.Benchmarks.Fuzz;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Fuzz;

/// <summary>
/// A short seeded slice of <c>ActorNet.Benchmarks fuzz</c> per framing: the same generator, mutations, reference
/// framing and parse oracle, through a real ActorNet host over loopback, a few thousand frames instead of a million.
/// </summary>
public sealed class FuzzSliceSpec
{
    private const int Frames = 3000;
    private const int Seed = 20261206;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("delimiter", "text")]
    [InlineData("delimiter", "json")]
    [InlineData("length-field", "json")]
    [InlineData("length-field", "binary")]
    [InlineData("length-field-resync", "text")]
    [InlineData("fixed", "text")]
    [InlineData("raw", "text")]
    [InlineData("raw", "binary")]
    public async Task Every_frame_of_a_seeded_mutated_stream_is_stored_or_quarantined_as_the_reference_says(string framing, string parser)
    {
        var shape = new FuzzShape(FuzzShapes.Framings[framing], FuzzShapes.Parsers[parser]);
        var plan = new FuzzPlan(shape, Seed, Frames, mutationRate: 0.15);
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("fuzz");
        var port = Loopback.FreePort();
        using var metrics = new SourceMetrics(source);
        await using var actorNet = await InProcessActorNet.StartAsync(
            TestConfig.OneSource(source, port, directory, shape.SourceHocon() + "\nmax-connections = 1000"));

        var sent = await FuzzSender.SendAsync(shape, new IPEndPoint(IPAddress.Loopback, port), plan.Sessions(), concurrency: 4,
            progress: null, CancellationToken.None);
        long bytesSent = plan.Sessions().Sum(session => (long)session.Bytes.Length);

        // Everything read and every connection closed (its partial frame handed on as truncated); the graceful stop
        // then delivers what was read and flushes the sinks.
        await Eventually.TrueAsync(
            () => metrics.Total("actornet.bytes.received") == bytesSent && metrics.Total("actornet.connections.active") == 0,
            Bound, () => $"{metrics.Total("actornet.bytes.received")} of {bytesSent} bytes read, " +
                         $"{metrics.Total("actornet.connections.active")} connections open; log: {actorNet.Log.Dump()}");
        await actorNet.StopAsync();
        var stored = SinkContents.Read(shape, directory.File("frames.jsonl"), directory.File("quarantine.jsonl"));

        Assert.True(sent.Expected.Mutated > Frames / 20, $"only {sent.Expected.Mutated} frames were mutated");
        Assert.Equal(0, sent.CutShort);
        Assert.DoesNotContain(actorNet.Log.Lines, line => line.Contains(" Error ", StringComparison.Ordinal)
            || line.Contains(" Critical ", StringComparison.Ordinal) || line.Contains("restarted after", StringComparison.Ordinal));
        if (shape.Framing == FuzzFraming.Raw)
        {
            // Chunks follow reads: each connection's chunks, stored or quarantined, put back in seq order are its stream,
            // and each was stored exactly when the parser oracle accepts it.
            Assert.Equal(0, stored.OracleMismatches);
            Assert.Equal((sent.Expected.Streams, sent.Expected.Bytes, sent.Expected.StreamDigest),
                (stored.Tally.Streams, stored.Tally.Bytes, stored.Tally.StreamDigest));
        }
        else
        {
            Assert.True(sent.Expected.Rejected > 0, "the slice quarantines nothing: the mutations did not reach this framing");
            Assert.Equal((sent.Expected.Accepted, sent.Expected.AcceptedDigest, sent.Expected.Rejected),
                (stored.Tally.Accepted, stored.Tally.AcceptedDigest, stored.Tally.Rejected));
        }
    }
}
