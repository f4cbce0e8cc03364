using System.Buffers.Binary;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>What the mutator did to one valid frame on the wire.</summary>
public enum Mutation
{
    BitFlip,
    ByteInsert,
    ByteDelete,
    Truncation,
    LengthCorruption,
    DelimiterInjection,
    HugeLength,
    InvalidUtf8,
}

/// <summary>
/// Turns a valid frame, as it goes on the wire, into a bad or merely different one. The result need not be bad: a
/// bit flipped in ASCII text is still text. What ActorNet must make of it is decided afterwards by
/// <see cref="ReferenceCutter"/> and <see cref="ParseOracle"/> over the whole stream, never by the mutation's name.
/// </summary>
public sealed class FrameMutator(FuzzShape shape, Random random)
{
    public static readonly Mutation[] All = Enum.GetValues<Mutation>();

    public byte[] Mutate(byte[] wire, Mutation mutation) => mutation switch
    {
        Mutation.BitFlip => BitFlip(wire),
        Mutation.ByteInsert => Insert(wire, [(byte)random.Next(256)]),
        Mutation.ByteDelete => wire.Length == 0 ? wire : [.. wire.AsSpan(0, Position(wire, end: false)), .. wire.AsSpan(Position(wire, end: false) + 1)],
        Mutation.Truncation => wire[..random.Next(wire.Length)],
        Mutation.LengthCorruption => CorruptLength(wire),
        Mutation.DelimiterInjection => Insert(wire, [FuzzShape.Delimiter]),
        Mutation.HugeLength => Huge(wire),
        _ => Insert(wire, InvalidUtf8Sequences[random.Next(InvalidUtf8Sequences.Length)]),
    };

    // A lone continuation byte, a truncated 2-byte sequence, an overlong '/', a surrogate, a byte UTF-8 never uses.
    private static readonly byte[][] InvalidUtf8Sequences = [[0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF]];

    private byte[] BitFlip(byte[] wire)
    {
        if (wire.Length == 0) return wire;
        var copy = (byte[])wire.Clone();
        int flips = 1 + random.Next(3);
        for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private byte[] Insert(byte[] wire, byte[] bytes)
    {
        int at = Position(wire, end: true);
        return [.. wire.AsSpan(0, at), .. bytes, .. wire.AsSpan(at)];
    }

    /// <summary>A position in the frame; with <paramref name="end"/>, the position after its last byte too.</summary>
    private int Position(byte[] wire, bool end) => random.Next(wire.Length + (end ? 1 : 0));

    /// <summary>length-field: any length up to twice the largest; other framings have no length field to corrupt.</summary>
    private byte[] CorruptLength(byte[] wire)
    {
        if (!shape.IsLengthField || wire.Length < FuzzShape.HeaderLength) return BitFlip(wire);
        return WithLength(wire, (uint)random.Next(2 * shape.MaxFrameLength));
    }

    private byte[] WithLength(byte[] wire, uint length)
    {
        var copy = (byte[])wire.Clone();
        if (shape.Framing == FuzzFraming.LengthFieldResync)
            BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(shape.LengthFieldOffset), (ushort)Math.Min(length, ushort.MaxValue));
        else
            BinaryPrimitives.WriteUInt32BigEndian(copy, length);
        return copy;
    }

    /// <summary>length-field: a length near the top of its range; delimiter and raw: a payload past max-frame-length.</summary>
    private byte[] Huge(byte[] wire)
    {
        if (shape.IsLengthField && wire.Length >= FuzzShape.HeaderLength)
        {
            uint[] huge = [uint.MaxValue, int.MaxValue, (uint)int.MaxValue + 1, (uint)shape.MaxFrameLength - FuzzShape.HeaderLength + 1];
            return WithLength(wire, huge[random.Next(huge.Length)]);
        }

        // Up to three times the limit of printable bytes (no delimiter), before the frame's own bytes.
        var filler = new byte[shape.MaxFrameLength + 1 + random.Next(2 * shape.MaxFrameLength)];
        for (int i = 0; i < filler.Length; i++) filler[i] = (byte)random.Next('!', '~' + 1);
        return [.. filler, .. wire];
    }
}
