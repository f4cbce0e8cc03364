using System.Buffers.Binary;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>
/// Many concurrent peers on real loopback sockets, written in random chunk sizes, good frames mixed with every kind
/// of bad one, through ActorNet composed as <c>actornet run</c> composes it, into jsonl files. Every frame must come
/// out exactly once: a good one in frames.jsonl with its payload intact, a bad one in quarantine.jsonl with its
/// reason, in order per connection, and the metrics must count exactly the traffic sent.
/// </summary>
public sealed class IngestionSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Json_lines_from_sixty_peers_come_out_whole_in_order_and_bad_ones_are_quarantined_by_reason()
    {
        var peers = Enumerable.Range(0, 60).Select(JsonPeer).ToArray();
        AssertWritesSplitCharacters(peers, atLeast: 100);

        await RunAsync("""
            framing { type = delimiter, delimiter = "\n", max-frame-length = 1 KiB }
            parser = json
            """, peers, ExpectedPayload.Json);
    }

    [Fact]
    public async Task Crlf_text_lines_keep_lone_cr_and_lf_inside_frames_and_quarantine_invalid_utf8()
    {
        var peers = Enumerable.Range(0, 16).Select(TextPeer).ToArray();
        AssertWritesSplitCharacters(peers, atLeast: 10);

        await RunAsync("""
            framing { type = delimiter, delimiter = "\r\n", max-frame-length = 256 }
            parser = text
            """, peers, ExpectedPayload.Text);
    }

    [Fact]
    public async Task Length_prefixed_binary_frames_come_out_whole_and_a_bad_length_closes_only_its_peer()
    {
        var peers = Enumerable.Range(0, 12).Select(BinaryPeer).ToArray();

        await RunAsync("""
            framing { type = length-field, length-field-length = 4, byte-order = big-endian, max-frame-length = 2 KiB }
            parser = binary
            """, peers, ExpectedPayload.Base64);
    }

    /// <summary>Guards the test itself: its seeds must really cut multi-byte characters between writes.</summary>
    private static void AssertWritesSplitCharacters(IReadOnlyList<PeerTraffic> peers, int atLeast)
    {
        var splits = TrafficSender.WritesSplittingACharacter(peers);
        Assert.True(splits >= atLeast, $"only {splits} writes end inside a multi-byte character; expected at least {atLeast}");
    }

    private static async Task RunAsync(string framingAndParser, IReadOnlyList<PeerTraffic> traffic, ExpectedPayload payload)
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ingest");
        var port = Loopback.FreePort();
        using var metrics = new SourceMetrics(source);
        var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, framingAndParser));
        IReadOnlyDictionary<string, PeerTraffic> peers;
        await using (net)
        {
            // Returns once the server has closed every peer after its end of stream: everything has been read.
            peers = await TrafficSender.SendAsync(port, traffic, Bound);
            // The drain delivers every frame read and flushes both files.
            await net.StopAsync();
        }

        new IngestionVerifier(source, payload)
            .CheckRecords(peers, JsonlRecords.Read(directory.File("frames.jsonl")), JsonlRecords.Read(directory.File("quarantine.jsonl")))
            .CheckMetrics(peers, metrics)
            .ThrowIfAnyProblem();
    }

    /// <summary>
    /// 500 lines: JSON values of every kind with multi-byte text, one of exactly max-frame-length, and about one in
    /// five bad: too long (some past the 4 KiB raw limit), invalid JSON (empty included), invalid UTF-8 in a string.
    /// </summary>
    private static PeerTraffic JsonPeer(int peer)
    {
        var seed = 1_000 + peer;
        var random = new Random(seed);
        var frames = new List<SentFrame>();
        for (var i = 0; i < 500; i++)
        {
            var roll = random.Next(100);
            if (i == 1 || roll < 7)
            {
                var length = i == 1 ? 1025 : random.Next(4) == 0 ? random.Next(4097, 9000) : random.Next(1025, 3000);
                frames.Add(Line(FrameContent.Utf8.GetBytes(FrameContent.JsonOfLength(random, peer, i, length)), "frame-too-long"));
            }
            else if (roll < 13) frames.Add(Line(FrameContent.Utf8.GetBytes(FrameContent.InvalidJsonValue(random)), "invalid-json"));
            else if (roll < 14) frames.Add(Line([], "invalid-json"));
            else if (roll < 20) frames.Add(Line(FrameContent.WithInvalidUtf8(random, $"{{\"peer\":{peer},\"i\":{i},\"bad\":\"ab", "cd\"}"), "invalid-utf8"));
            else if (i == 2 || roll < 22) frames.Add(Line(FrameContent.Utf8.GetBytes(FrameContent.JsonOfLength(random, peer, i, 1024)), null));
            else frames.Add(Line(FrameContent.Utf8.GetBytes(FrameContent.JsonValue(random, peer, i)), null));
        }
        return new PeerTraffic(seed, frames);

        static SentFrame Line(byte[] frame, string? reason) =>
            reason is null ? SentFrame.Good(frame, [.. frame, (byte)'\n']) : SentFrame.Bad(frame, [.. frame, (byte)'\n'], reason);
    }

    /// <summary>
    /// 300 CRLF lines of text holding lone CR, lone LF, tab and NUL, some empty, some ending in CR, one of exactly
    /// max-frame-length; bad ones too long or invalid UTF-8.
    /// </summary>
    private static PeerTraffic TextPeer(int peer)
    {
        var seed = 2_000 + peer;
        var random = new Random(seed);
        var frames = new List<SentFrame>();
        for (var i = 0; i < 300; i++)
        {
            var roll = random.Next(100);
            if (i == 1 || roll < 8) frames.Add(Line(Padded(random, i == 1 ? 257 : random.Next(257, 700)), "frame-too-long"));
            else if (roll < 15)
                frames.Add(Line(FrameContent.WithInvalidUtf8(random, FrameContent.TextWithControlCharacters(random, 10), FrameContent.TextWithControlCharacters(random, 10)), "invalid-utf8"));
            else if (roll < 18) frames.Add(Line([], null));
            else if (roll < 21) frames.Add(Line(FrameContent.Utf8.GetBytes(FrameContent.TextWithControlCharacters(random, 10) + "\r"), null));
            else if (i == 2 || roll < 23) frames.Add(Line(Padded(random, 256), null));
            else frames.Add(Line(FrameContent.Utf8.GetBytes(FrameContent.TextWithControlCharacters(random, 30)), null));
        }
        return new PeerTraffic(seed, frames);

        static SentFrame Line(byte[] frame, string? reason) =>
            reason is null ? SentFrame.Good(frame, [.. frame, .. "\r\n"u8]) : SentFrame.Bad(frame, [.. frame, .. "\r\n"u8], reason);

        // Random text padded with ASCII to exactly `length` bytes; the padding never completes a CR LF.
        static byte[] Padded(Random random, int length)
        {
            var text = FrameContent.Utf8.GetBytes(FrameContent.TextWithControlCharacters(random, 20));
            return [.. text, .. Enumerable.Repeat((byte)'x', length - text.Length)];
        }
    }

    /// <summary>
    /// 300 frames of random bytes behind a 4-byte big-endian length, empty and exactly max-frame-length among them.
    /// One peer in four ends inside a frame (truncated); another one in four ends with a length past
    /// max-frame-length, which cannot be skipped, so ActorNet quarantines it and closes that peer.
    /// </summary>
    private static PeerTraffic BinaryPeer(int peer)
    {
        const int maxPayload = 2048 - 4;
        var seed = 3_000 + peer;
        var random = new Random(seed);
        var frames = new List<SentFrame>();
        for (var i = 0; i < 300; i++)
        {
            var length = i == 1 ? maxPayload : i == 2 ? 0 : random.Next(8) == 0 ? random.Next(1_000, maxPayload + 1) : random.Next(0, 200);
            var payload = new byte[length];
            random.NextBytes(payload);
            frames.Add(SentFrame.Good(payload, [.. Header(length), .. payload]));
        }

        switch (peer % 4)
        {
            case 1:
                // Ends inside a frame (sometimes inside its header): everything held is quarantined as truncated.
                var declared = random.Next(1, maxPayload + 1);
                var body = new byte[declared];
                random.NextBytes(body);
                byte[] partial = [.. Header(declared), .. body];
                var cut = partial[..random.Next(1, partial.Length)];
                frames.Add(new SentFrame(cut, cut, "truncated", cut.Length));
                break;
            case 2:
                // A length past max-frame-length: the stream cannot be resynchronised, so the peer is closed.
                var tooLong = peer == 2 ? uint.MaxValue : (uint)random.Next(maxPayload + 1, 1_000_000);
                var header = Header(tooLong);
                frames.Add(new SentFrame(header, header, "frame-too-long", ErrorContains: $"frame length {tooLong + 4L}"));
                break;
        }
        return new PeerTraffic(seed, frames);

        static byte[] Header(long length)
        {
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)length);
            return header;
        }
    }
}
