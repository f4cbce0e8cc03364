using ActorNet.Framing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorNet.Tests.Framing;

/// <summary>Encoded streams, the ways a socket may chop them into reads, and the round-trip check over them.</summary>
internal static class FramedStream
{
    private const int FractionScale = 1_000_000;

    /// <summary>
    /// Cut points as fractions of the stream length, so one generated value fits whatever length the payloads encode
    /// to. Empty lists and duplicates are common, which gives single reads and many-cut reads alike.
    /// </summary>
    public static Gen<int[]> CutFractions { get; } = Gen.ArrayOf(Gen.Choose(0, FractionScale - 1));

    public static byte[] Encode(IFrameEncoder encoder, IEnumerable<byte[]> payloads)
    {
        var stream = new List<byte>();
        foreach (byte[] payload in payloads)
        {
            var framed = new byte[encoder.GetEncodedLength(payload.Length)];
            Assert.Equal(framed.Length, encoder.Encode(payload, framed));
            stream.AddRange(framed);
        }

        return [.. stream];
    }

    /// <summary>Non-empty reads (a socket read of 0 bytes is end of stream) cut at the given fractions.</summary>
    public static byte[][] Reads(byte[] stream, int[] cutFractions)
    {
        int[] cuts = cutFractions
            .Select(f => (int)((long)f * stream.Length / FractionScale))
            .Where(c => c > 0)
            .Distinct()
            .Order()
            .ToArray();
        return stream.Length == 0 ? [] : SequenceSplitter.Chunks(stream, cuts);
    }

    public static byte[][] OneByteReads(byte[] stream) => stream.Select(b => new[] { b }).ToArray();

    /// <summary>
    /// Decodes <paramref name="reads"/> with a fresh decoder in each buffer layout and checks that exactly
    /// <paramref name="expected"/> comes out: every event a frame, nothing left over.
    /// </summary>
    public static void AssertDecodesTo(Func<IFrameDecoder> createDecoder, byte[][] reads, IEnumerable<byte[]> expected)
    {
        string[] want = expected.Select(Convert.ToHexString).ToArray();
        foreach (BufferLayout layout in Enum.GetValues<BufferLayout>())
        {
            DecodeDriver driver = DecodeDriver.Run(createDecoder(), reads, layout);
            Assert.All(driver.Events, e => Assert.Equal(DecodeStatus.Frame, e.Status));
            Assert.Equal(want, driver.Frames.Select(Convert.ToHexString).ToArray());
            Assert.Equal(0, driver.PendingLength);
        }
    }

    public static string Describe(IEnumerable<byte[]> payloads) => "[" + string.Join(", ", payloads.Select(Convert.ToHexString)) + "]";
}
