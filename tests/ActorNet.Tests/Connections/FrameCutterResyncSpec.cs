using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Framing;
using ActorNet.Protocol;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections;

/// <summary>
/// Length-field frames with a sync marker and on-bad-length = resync through a <see cref="FrameCutter"/> (the
/// contiguous fast path and the bulk path the connection uses), cut into reads the way a socket would deliver them.
/// </summary>
public sealed class FrameCutterResyncSpec
{
    private static readonly ConnectionInfo Info = new("sensors", 1, "127.0.0.1:50000");
    private static readonly byte[] Marker = [0xAA, 0x55];

    private static readonly LengthFieldFramingSettings Framing = new(2, 2, true, 0, 4, 64)
    {
        SyncMarker = "AA55",
        OnBadLength = BadLengthAction.Resync,
    };

    [Property(MaxTest = 300)]
    public Property Damaged_frames_become_one_rejection_per_stretch_with_its_full_length_and_every_intact_frame_is_cut() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var (payloads, damaged, chunks, readBufferSize) = scenario;
            using var cutter = new FrameCutter(Framing.CreateDecoder(), readBufferSize, rawLimit: 4096, minReadBufferSize: 16);
            var stream = payloads.SelectMany((p, i) => damaged[i] ? (byte[])[.. Marker, 0x7F, 0xFF, .. p] : [.. Marker, 0, (byte)p.Length, .. p]).ToArray();

            var entries = new List<(byte[]? Frame, RejectedFrame? Rejection)>();
            long nextSeq = 1;
            var position = 0;
            for (var read = 0; position < stream.Length; read++)
            {
                var (buffer, offset, room) = cutter.PrepareReceive();
                var n = Math.Min(Math.Min(room, chunks[read % chunks.Length]), stream.Length - position);
                stream.AsSpan(position, n).CopyTo(buffer.AsSpan(offset));
                position += n;
                var batch = cutter.Cut(buffer, offset, n, Info, ref nextSeq, DateTime.UtcNow, out var fatal);
                Assert.False(fatal);
                for (var i = 0; batch is not null && i < batch.Count; i++)
                    entries.Add(batch.Rejections?[i] is { } r ? (null, r) : (batch.Frame(i).ToArray(), null));
            }

            var expected = new List<string>();
            for (var i = 0; i < payloads.Length; i++)
            {
                if (!damaged[i])
                {
                    expected.Add(Convert.ToHexString(payloads[i]));
                    continue;
                }
                var stretch = 0L;
                for (; i < payloads.Length && damaged[i]; i++) stretch += 4 + payloads[i].Length;
                expected.Add($"frame-too-long:{stretch}");
                i--;
            }
            Assert.Equal(expected, entries.Select(e => e.Rejection is { } r ? $"{r.Reason}:{r.RawLength}" : Convert.ToHexString(e.Frame!)));
            Assert.All(entries.Where(e => e.Rejection is not null), e => Assert.Contains("next sync-marker", e.Rejection!.Error));
            Assert.False(cutter.InFrame);
        });

    private static Gen<(byte[][] Payloads, bool[] Damaged, int[] Chunks, int ReadBufferSize)> Scenarios() =>
        from payloads in Gen.NonEmptyListOf(Gen.Choose(0, 60).SelectMany(n =>
            Gen.ArrayOf(Gen.Elements(Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => b is not (0xAA or 0x55)).ToArray()), n)))
        from damaged in Gen.ArrayOf(Gen.Elements(false, false, true), payloads.Count)
        from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 200))
        from readBufferSize in Gen.Elements(64, 256, 4096)
        // The last frame is intact: a stretch ends at the next marker.
        select (payloads.ToArray(), damaged.Take(payloads.Count - 1).Append(false).ToArray(), chunks.ToArray(), readBufferSize);
}
