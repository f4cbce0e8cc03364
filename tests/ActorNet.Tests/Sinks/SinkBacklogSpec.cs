using ActorNet.Configuration;
using ActorNet.Framing;
using ActorNet.Monitoring;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks;
using ActorNet.Tests.Protocol;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Tests.Sinks;

/// <summary>
/// A sink's backlog (frames spooled or held in memory while it cannot write) counts down to exactly zero when the
/// store returns, even though every batch it acknowledges may be reused at once for the connection's next read.
/// CI once saw a backlog of -1,989: batches held in memory were counted out again after being spooled, by then
/// refilled by another read.
/// </summary>
[Collection(BatchPoolCollection.Name)]
public sealed class SinkBacklogSpec : TestKit, IDisposable
{
    private const int FramesPerBatch = 5;
    private const int Batches = 3;

    // Runs the owner inside the sink's Tell, so that a batch is reused before the sink's next statement: the widest
    // window a real connection on another thread could ever get.
    private const string InlineDispatcher = "akka.test.calling-thread-dispatcher";

    private static readonly ConnectionInfo Connection = new("sensors", 7, "127.0.0.1:5000");
    private readonly string _spoolDir = Path.Combine(Path.GetTempPath(), "actornet-backlog-" + Guid.NewGuid().ToString("N")[..12]);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(_spoolDir)) Directory.Delete(_spoolDir, recursive: true);
    }

    [Fact]
    public void Counts_down_to_zero_when_the_store_returns_though_each_acknowledged_batch_is_refilled_at_once()
    {
        while (BatchPool.TryTake() is not null) { }
        var store = new DownStore { Down = true };
        var status = new SinkStatus("db", "test");
        // A spool that takes one record at a time: the batches behind it wait in memory and move into it one by one.
        var settings = new SinkSettings("db", "test", "", 1, TimeSpan.FromMilliseconds(50), DedicatedThread: false)
        {
            SpoolDir = _spoolDir,
            MaxSpoolSize = 1,
        };
        var sink = Sys.ActorOf(SinkActor.Props(settings, _ => store, status), "db");
        var owner = Sys.ActorOf(Props.Create(() => new RefillingOwner()).WithDispatcher(InlineDispatcher), "owner");
        var route = new SourceRoute([sink], [true], [false]);

        for (var b = 0; b < Batches; b++) Send(sink, owner, route, firstSeq: 1 + b * FramesPerBatch);

        AwaitAssert(() =>
        {
            Assert.Equal(Batches * FramesPerBatch, status.BacklogFrames);
            Assert.True(status.SpoolBytes > 0, "nothing spooled");
        }, TimeSpan.FromSeconds(10));

        store.Down = false;

        AwaitAssert(() =>
        {
            Assert.Equal(Batches * FramesPerBatch, store.Written);
            Assert.Equal(SinkStates.Writing, status.State);
            Assert.Equal(0, status.BacklogFrames);
            Assert.Equal(0, status.SpoolBytes);
        }, TimeSpan.FromSeconds(10));
    }

    private static void Send(IActorRef sink, IActorRef owner, SourceRoute route, long firstSeq)
    {
        var buffer = BatchBuffers.Bytes.Rent(FramesPerBatch * 2);
        var slices = BatchBuffers.Slices.Rent(FramesPerBatch);
        for (var i = 0; i < FramesPerBatch; i++)
        {
            buffer[i * 2] = (byte)('a' + i);
            buffer[i * 2 + 1] = (byte)'\n';
            slices[i] = new FrameSpan(i * 2, 1);
        }
        var frames = FrameBatch.Rent(Connection, firstSeq, DateTime.UtcNow, buffer, slices, FramesPerBatch, null);
        frames.SendTo(ActorRefs.Nobody, owner);
        sink.Tell(frames.Parsed(PayloadFormat.Text, null, null, route));
    }

    /// <summary>
    /// The connection's part: each batch back from its one sink is released, and the next read fills the same pooled
    /// batch again at once, with another number of frames.
    /// </summary>
    private sealed class RefillingOwner : ReceiveActor
    {
        private readonly List<FrameBatch> _reads = [];

        public RefillingOwner()
        {
            Receive<ParsedBatch>(batch =>
            {
                batch.TakeAcknowledgedSlots();
                var frames = batch.Frames;
                frames.Release();
                batch.Returned();
                _reads.Add(FrameBatch.Rent(Connection, frames.LastSeq + 1, DateTime.UtcNow, new byte[16], new FrameSpan[1], 1_000, null));
            });
        }
    }

    /// <summary>Commits on write; every write fails while down.</summary>
    private sealed class DownStore : IFrameSink
    {
        private int _written;

        public volatile bool Down;

        public int Written => Volatile.Read(ref _written);

        public SinkDurability Durability => SinkDurability.OnWrite;

        public int Write(ParsedBatch batch, bool accepted, bool rejected)
        {
            if (Down) throw new IOException("the store is down");
            var count = batch.CountSelected(accepted, rejected);
            Interlocked.Add(ref _written, count);
            return count;
        }

        public void Probe()
        {
            if (Down) throw new IOException("the store is down");
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
