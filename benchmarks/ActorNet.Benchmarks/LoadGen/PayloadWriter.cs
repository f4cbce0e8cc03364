using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Writes one framed record. Every payload is printable ASCII and starts with its identity,
/// <c>c&lt;connection&gt;-&lt;sequence&gt; </c>, both zero-padded decimals of fixed width for the workload (e.g.
/// <c>c07-00042 </c>), followed by filler cycling through <c>'!'..'~'</c> from an offset that moves with the
/// sequence number. A consumer can therefore check order and completeness per connection; the filler never
/// contains <c>'\n'</c>.
/// </summary>
public sealed class PayloadWriter
{
    private const byte FirstPrintable = (byte)'!';
    private const int PrintableCount = '~' - '!' + 1;

    private readonly WorkloadSpec _spec;
    private readonly int _connectionDigits;
    private readonly int _sequenceDigits;
    private readonly byte[] _filler;

    public PayloadWriter(WorkloadSpec spec)
    {
        _spec = spec;
        _connectionDigits = Digits(spec.Connections - 1);
        _sequenceDigits = Digits(spec.Frames - 1);
        _filler = new byte[PrintableCount + spec.Size];
        for (int i = 0; i < _filler.Length; i++)
        {
            _filler[i] = (byte)(FirstPrintable + (i % PrintableCount));
        }
    }

    /// <summary>The smallest payload that still carries its identity.</summary>
    public static int MinimumSize(int connections, int frames) => 1 + Digits(connections - 1) + 1 + Digits(frames - 1) + 1;

    /// <summary>Writes frame <paramref name="sequence"/> of <paramref name="connection"/>; <paramref name="destination"/> is exactly <see cref="WorkloadSpec.FrameLength"/> bytes.</summary>
    public void Write(Span<byte> destination, int connection, int sequence)
    {
        Span<byte> payload;
        switch (_spec.Framing)
        {
            case WireFraming.Lines:
                payload = destination[.._spec.Size];
                destination[_spec.Size] = (byte)'\n';
                break;
            case WireFraming.LengthField:
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination, _spec.Size);
                payload = destination.Slice(4, _spec.Size);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(destination), _spec.Framing, "unknown framing");
        }

        int at = 0;
        payload[at++] = (byte)'c';
        WriteDecimal(payload.Slice(at, _connectionDigits), connection);
        at += _connectionDigits;
        payload[at++] = (byte)'-';
        WriteDecimal(payload.Slice(at, _sequenceDigits), sequence);
        at += _sequenceDigits;
        payload[at++] = (byte)' ';
        _filler.AsSpan((connection + sequence) % PrintableCount, payload.Length - at).CopyTo(payload[at..]);
    }

    private static int Digits(int value) => value < 10 ? 1 : (int)Math.Floor(Math.Log10(value)) + 1;

    private static void WriteDecimal(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
