using System.Text;
using System.Text.Json;
using ActorNet.Configuration;
using ActorNet.Monitoring;
using ActorNet.Protocol;

namespace ActorNet.Sinks;

/// <summary>
/// <c>type = websocket</c>: publishes records to the instance's <see cref="LiveTail"/> for the dashboard and
/// other subscribers of <c>/ws/tail</c>. Keeps nothing (not durable) and never waits: a slow subscriber loses
/// its oldest records instead of holding up this sink. While nobody watches, a batch is only counted.
///
/// Each record is one JSON object, the <see cref="JsonRecordWriter"/> record with <c>kind</c>
/// (<c>frame</c> or <c>quarantined</c>) and <c>sink</c> first:
/// <c>{"kind":"frame","sink":"live","source":"sensors","connection":1,"peer":"...","seq":1,"receivedAt":"...","payload":"..."}</c>.
/// </summary>
public sealed class WebSocketSink : IFrameSink
{
    private readonly string _name;
    private readonly LiveTail _tail;
    private readonly JsonRecordWriter _records = new(16 * 1024);
    private readonly byte[] _framePrefix;
    private readonly byte[] _quarantinedPrefix;

    public WebSocketSink(SinkSettings settings, LiveTail tail)
    {
        _name = settings.Name;
        _tail = tail;
        var sink = JsonEncodedText.Encode(settings.Name).ToString();
        _framePrefix = Encoding.UTF8.GetBytes($$"""{"kind":"frame","sink":"{{sink}}",""");
        _quarantinedPrefix = Encoding.UTF8.GetBytes($$"""{"kind":"quarantined","sink":"{{sink}}",""");
    }

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        // One source per batch: a batch of a source nobody watches is only counted.
        if (!_tail.HasSubscribersFor(_name, batch.Connection.Source)) return batch.CountSelected(accepted, rejected);
        var written = 0;
        if (accepted) written += Publish(batch, accepted: true, _framePrefix);
        if (rejected) written += Publish(batch, accepted: false, _quarantinedPrefix);
        return written;
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }

    private int Publish(ParsedBatch batch, bool accepted, byte[] prefix)
    {
        _records.Clear();
        var written = _records.Append(batch, accepted, rejected: !accepted);
        var lines = _records.WrittenSpan;
        while (lines.Length > 0)
        {
            var end = lines.IndexOf((byte)'\n');
            var line = lines[..end];
            lines = lines[(end + 1)..];

            // The writer's object without its opening brace, after ours: one owned array per record, shared by
            // every subscriber (they only read it).
            var message = new byte[prefix.Length + line.Length - 1];
            prefix.CopyTo(message, 0);
            line[1..].CopyTo(message.AsSpan(prefix.Length));
            _tail.Publish(_name, batch.Connection.Source, message);
        }
        _records.Clear();
        return written;
    }
}
