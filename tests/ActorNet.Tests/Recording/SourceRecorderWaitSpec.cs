using ActorNet.Configuration;
using ActorNet.Protocol;
using ActorNet.Recording;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorNet.Tests.Recording;

/// <summary>
/// record.when-behind = wait: a connection asks the recorder before each read; it waits while the writer is more than
/// half the buffer behind, and is woken when the writer caught up, or got stuck (never waited for longer).
/// </summary>
public sealed class SourceRecorderWaitSpec : TestKit, IDisposable
{
    private const long Buffer = 1 << 20;
    private static readonly ConnectionInfo Connection = new("s", 7, "127.0.0.1:5000");
    private static readonly object Wake = "wake";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actornet-rec-wait-" + Guid.NewGuid().ToString("N")[..12]);

    protected override void Dispose(bool disposing)
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        base.Dispose(disposing);
    }

    private SourceRecorder StuckRecorder(bool wait = true) =>
        new("s", new RecordSettings(true, _dir, 1L << 30, null, 64L << 20, Buffer) { WaitWhenBehind = wait }, NullLogger.Instance, startWriter: false);

    /// <summary>Queues reads of 10 KiB until more than <paramref name="bytes"/> wait for the writer.</summary>
    private static void Queue(SourceRecorder recorder, long bytes)
    {
        var read = new byte[10 * 1024];
        for (long queued = 0; queued <= bytes; queued += read.Length) recorder.Read(Connection, read, DateTime.UtcNow);
    }

    [Fact]
    public void Lets_a_connection_read_while_the_writer_is_less_than_half_the_buffer_behind()
    {
        using var recorder = StuckRecorder();
        Queue(recorder, Buffer / 4);

        Assert.True(recorder.MayRead(TestActor, Wake));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Holds_a_connection_back_past_half_the_buffer_and_wakes_it_once_the_writer_caught_up()
    {
        using var recorder = StuckRecorder();
        Queue(recorder, Buffer / 2);

        Assert.False(recorder.MayRead(TestActor, Wake));
        recorder.StartWriter();

        ExpectMsg(Wake, TimeSpan.FromSeconds(10));
        Assert.True(recorder.MayRead(TestActor, Wake));
    }

    [Fact]
    public void Stops_holding_connections_back_for_a_writer_that_is_stuck()
    {
        using var recorder = StuckRecorder();
        Queue(recorder, Buffer / 2);
        Assert.False(recorder.MayRead(TestActor, Wake));

        // No writer runs: after StallAfter without progress the waiting connection is woken, and reads on.
        ExpectMsg(Wake, SourceRecorder.StallAfter * 10);
        Assert.True(recorder.MayRead(TestActor, Wake));
    }

    [Fact]
    public void Never_holds_a_connection_back_with_when_behind_drop()
    {
        using var recorder = StuckRecorder(wait: false);
        Queue(recorder, Buffer / 2);

        Assert.True(recorder.MayRead(TestActor, Wake));
    }
}
