using System.Buffers;
using System.Text.Json;
using ActorNet.Parsing;
using ActorNet.Protocol;

namespace ActorNet.Sinks;

/// <summary>
/// Formats records as JSON lines into a reusable buffer: <c>source</c>, <c>connection</c>, <c>peer</c>,
/// <c>seq</c>, <c>receivedAt</c>, <c>payload</c>, plus <c>error</c>, <c>raw</c> and <c>rawLength</c> for
/// quarantined frames. Property names are pre-encoded and the writer is reused, so a record allocates nothing.
/// </summary>
public sealed class JsonRecordWriter
{
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText ConnectionName = JsonEncodedText.Encode("connection");
    private static readonly JsonEncodedText PeerName = JsonEncodedText.Encode("peer");
    private static readonly JsonEncodedText ClientSubjectName = JsonEncodedText.Encode("clientSubject");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText ReceivedAtName = JsonEncodedText.Encode("receivedAt");
    private static readonly JsonEncodedText PayloadName = JsonEncodedText.Encode("payload");
    private static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText RawName = JsonEncodedText.Encode("raw");
    private static readonly JsonEncodedText RawLengthName = JsonEncodedText.Encode("rawLength");

    private readonly ArrayBufferWriter<byte> _buffer;
    private byte[] _singleLine = [];
    private readonly Utf8JsonWriter _writer;

    public JsonRecordWriter(int initialCapacity = 64 * 1024)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
        // Payloads were validated by the parser; the writer's own checks would only repeat that work.
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Bytes formatted and not yet taken with <see cref="WrittenSpan"/> + <see cref="Clear"/>.</summary>
    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public void Clear() => _buffer.ResetWrittenCount();

    /// <summary>Appends the selected records of <paramref name="batch"/>, one line each; returns how many.</summary>
    public int Append(ParsedBatch batch, bool accepted, bool rejected)
    {
        var written = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.Selects(i, accepted, rejected)) continue;
            WriteRecord(batch, i, batch.Rejections?[i]);
            written++;
        }
        return written;
    }

    private void WriteRecord(ParsedBatch batch, int index, RejectedFrame? rejection)
    {
        var connection = batch.Connection;
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString(SourceName, connection.Source);
        _writer.WriteNumber(ConnectionName, connection.Id);
        _writer.WriteString(PeerName, connection.Peer);
        // Only from a TLS peer with a client certificate: plaintext records stay as they were.
        if (connection.ClientSubject is { } subject) _writer.WriteString(ClientSubjectName, subject);
        _writer.WriteNumber(SeqName, batch.Seq(index));
        _writer.WriteString(ReceivedAtName, batch.Frames.ReceivedAt);
        if (rejection is null)
        {
            var payload = batch.Payload(index).Span;
            switch (batch.Format)
            {
                case PayloadFormat.Json: WriteJsonPayload(payload); break;
                case PayloadFormat.Text: _writer.WriteString(PayloadName, payload); break;
                default: _writer.WriteBase64String(PayloadName, payload); break;
            }
        }
        else
        {
            _writer.WriteString(ErrorName, rejection.Error);
            _writer.WriteString(ReasonName, rejection.Reason);
            _writer.WriteBase64String(RawName, rejection.Raw.Span);
            _writer.WriteNumber(RawLengthName, rejection.RawLength);
        }
        _writer.WriteEndObject();
        _writer.Flush();
        _buffer.Write("\n"u8);
    }

    /// <summary>
    /// Writes a validated JSON value as is, except that line breaks become spaces so that one record stays one
    /// line. That is safe: in valid JSON a raw CR or LF can only be whitespace between tokens (inside strings
    /// they must be escaped).
    /// </summary>
    private void WriteJsonPayload(ReadOnlySpan<byte> payload)
    {
        _writer.WritePropertyName(PayloadName);
        if (payload.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            _writer.WriteRawValue(payload, skipInputValidation: true);
            return;
        }
        if (_singleLine.Length < payload.Length) _singleLine = new byte[Math.Max(payload.Length, _singleLine.Length * 2)];
        var line = _singleLine.AsSpan(0, payload.Length);
        payload.CopyTo(line);
        line.Replace((byte)'\n', (byte)' ');
        line.Replace((byte)'\r', (byte)' ');
        _writer.WriteRawValue(line, skipInputValidation: true);
    }
}
