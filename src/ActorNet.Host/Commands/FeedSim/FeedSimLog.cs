using System.Globalization;
using System.Net;
using ActorNet.Framing;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>
/// The events feed-sim reports, one line each on standard error, defined once here; and, on a terminal, the records
/// sent to all clients counted on a progress line below them.
/// </summary>
public sealed class FeedSimLog(TextWriter writer, TerminalProgress? progress = null)
{
    private readonly TextWriter _writer = progress?.Above(writer) ?? writer;

    public void Listening(EndPoint endpoint, FeedSimOptions options)
    {
        var misbehaviour = "";
        if (options.DropEvery is { } every) misbehaviour += $", reset every {Duration(every)}{(options.DropMidFrame ? " mid-frame" : "")}";
        if (options.StallAfter is { } stall) misbehaviour += $", stall after {Duration(stall)}";
        Write(string.Create(CultureInfo.InvariantCulture,
            $"feed-sim listening on {endpoint}: {options.Records} records, {ToolFraming.NameOf(options.Framing)} framing, {options.Rate}/s per client{misbehaviour}; Ctrl-C stops"));
    }

    public void CannotListen(EndPoint endpoint, string reason) => Write($"actornet feed-sim: cannot listen on {endpoint}: {reason}");

    public void Connected(EndPoint peer) => Write($"client {peer} connected");

    public void Stalled(EndPoint peer, long sent) => Write($"client {peer} stalled after {sent} record(s): sending nothing more, connection kept open");

    public void Dropped(EndPoint peer, long sent, bool midFrame) =>
        Write($"client {peer} dropped after {sent} record(s): connection reset{(midFrame ? " after half a frame" : "")}");

    public void Disconnected(EndPoint peer, long sent, string how) => Write($"client {peer} disconnected after {sent} record(s): {how}");

    public void Closed(EndPoint peer, long sent) => Write($"client {peer} closed by feed-sim after {sent} record(s)");

    public void Rejected(EndPoint peer, FrameError error) => Write($"client {peer} sent a frame that was dropped: {error.Describe()}");

    public void Unframeable(EndPoint peer, string reason) => Write($"client {peer} sent bytes that cannot be framed (ignoring the rest): {reason}");

    public void Failed(EndPoint peer, Exception error) => Write($"client {peer} failed: {error}");

    public void Stopping(int clients) => Write($"feed-sim stopping: closing {clients} client connection(s)");

    public void RecordSent() => progress?.Add();

    private static string Duration(TimeSpan duration) =>
        duration.TotalSeconds >= 1 && duration.Milliseconds == 0 ? $"{duration.TotalSeconds:0}s" : $"{duration.TotalMilliseconds:0}ms";

    private void Write(string message) =>
        _writer.WriteLine($"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)} {message}");
}
