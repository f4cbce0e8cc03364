using System.Globalization;
using System.Text;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>
/// The configuration of the private rsyslogd: imtcp on 127.0.0.1 only, every message of that input written by
/// omfile as one JSON line, like ActorNet's jsonl sink. Nothing else is loaded (no imuxsock, no imklog), so this
/// instance neither reads the machine's log sockets nor writes anywhere but its own folder.
/// <para>
/// The settings are rsyslog's documented throughput ones, chosen to give it a fair, well-configured run:
/// <list type="bullet">
/// <item>Main queue in memory (FixedArray, the default type: no disk-assisted mode, nothing spooled), large
/// enough (<see cref="QueueSize"/> messages) that imtcp is not throttled by a full queue during a burst, and
/// dequeued in batches of <see cref="DequeueBatchSize"/> (default 32) so that a worker takes many messages per
/// lock.</item>
/// <item>omfile with <c>asyncWriting="on"</c> (a writer thread of its own does the write(2) calls, the queue
/// worker only formats), <c>ioBufferSize="64k"</c> (default 4k: 16 times fewer writes; the same size as
/// ActorNet's jsonl <c>buffer-size</c>), <c>flushOnTXEnd="off"</c> (required with asyncWriting; otherwise every
/// batch is written out at once) and <c>flushInterval="1"</c> second, like ActorNet's <c>flush-interval</c>.
/// No <c>sync</c>: rsyslog's default, which never fsyncs; ActorNet's jsonl sink fsyncs on each flush, so that
/// difference favours rsyslog.</item>
/// <item><c>net.enableDNS="off"</c>: no reverse lookup per connection (ActorNet does none either);
/// <c>supportOctetCountedFraming="off"</c>: every message is a line, as ActorNet's newline framing reads it
/// (with it on, a line that started with a digit would be taken for a length).</item>
/// </list>
/// The template writes a JSON object per message with what ActorNet's record holds: the input's name, the peer's
/// address, the receive time (RFC 3339, microseconds) and the line as received (<c>rawmsg</c>, not reparsed as
/// syslog). rsyslog's own messages (start, stop, errors) go to <c>rsyslogd.log</c>, not to the measured file.
/// </para>
/// </summary>
public static class RsyslogConfig
{
    public const int QueueSize = 1_000_000;

    public const int DequeueBatchSize = 1024;

    public const string OutputFileName = "out.jsonl";

    public const string LogFileName = "rsyslogd.log";

    /// <summary>
    /// imtcp's maxSessions for <paramref name="connections"/> peers connecting at once. rsyslog sizes its listen
    /// backlog from it (maxSessions / 10 + 5: `ss -ltn` shows 25 for 200, 121 for 1,160) and has no key for the
    /// backlog itself: with maxSessions = 200 (the default) a burst of 100 connects overflowed the backlog and the
    /// peers past it were reset (seen on this VM: ~70 of 100 got through, the others "Connection reset by peer").
    /// Ten times the peers gives a backlog that holds the whole burst; maxSessions is only a cap.
    /// </summary>
    public static int MaxSessionsFor(int connections) => Math.Max(200, 10 * (connections + 16));

    /// <param name="directory">The instance's own folder: work directory, output and log.</param>
    /// <param name="port">The loopback port imtcp listens on.</param>
    /// <param name="maxSessions">Connections imtcp accepts at once (its default is 200).</param>
    /// <param name="maxMessageSize">The longest line, in bytes.</param>
    /// <param name="queueWorkers">Main queue worker threads.</param>
    public static string Create(string directory, int port, int maxSessions, int maxMessageSize, int queueWorkers)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"""global(workDirectory="{directory}" maxMessageSize="{Math.Max(maxMessageSize, 8 * 1024)}" net.enableDNS="off")"""));
        text.AppendLine(Invariant(
            $"""main_queue(queue.type="FixedArray" queue.size="{QueueSize}" queue.dequeueBatchSize="{DequeueBatchSize}" queue.workerThreads="{queueWorkers}")"""));
        text.AppendLine(Invariant($"""module(load="imtcp" maxSessions="{maxSessions}")"""));
        text.AppendLine("""
            template(name="benchJson" type="list" option.jsonf="on") {
              property(outname="source" name="inputname" format="jsonf")
              property(outname="peer" name="fromhost-ip" format="jsonf")
              property(outname="receivedAt" name="timegenerated" dateFormat="rfc3339" format="jsonf")
              property(outname="payload" name="rawmsg" format="jsonf")
            }
            """);
        text.AppendLine(Invariant($$"""
            ruleset(name="bench") {
              action(type="omfile" file="{{Path.Combine(directory, OutputFileName)}}" template="benchJson"
                     asyncWriting="on" ioBufferSize="64k" flushOnTXEnd="off" flushInterval="1")
            }
            """));
        text.AppendLine(Invariant(
            $"""input(type="imtcp" address="127.0.0.1" port="{port}" ruleset="bench" supportOctetCountedFraming="off")"""));
        text.AppendLine(Invariant($"""action(type="omfile" file="{Path.Combine(directory, LogFileName)}")"""));
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
