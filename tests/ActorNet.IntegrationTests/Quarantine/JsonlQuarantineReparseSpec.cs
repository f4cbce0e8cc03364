using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Support;
using ActorNet.Sinks.Quarantine;
using Xunit;

namespace ActorNet.IntegrationTests.Quarantine;

/// <summary>
/// Frames quarantined into a jsonl sink by a plug-in parser that did not know their version, then reparsed with a
/// fixed plug-in parser registered the way an embedding application registers one (ActorNetOptions.AddParser).
/// </summary>
public sealed class JsonlQuarantineReparseSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const string LongV2 = "v2:0123456789012345678901234567890123456789";

    private static void Register(ActorNetOptions options) => options
        .AddParser("vendor-v1", () => new VersionedParser("vendor-v1", "v1"))
        .AddParser("vendor-v2", () => new VersionedParser("vendor-v2", "v1", "v2"));

    private static string Config(string source, int port, TempDirectory directory, string parser) => $$"""
        actornet {
          sources.{{source}} {
            port = {{port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = {{parser}}
            quarantine-raw-limit = 32
            sinks = [ file ]
            quarantine = rejects
          }
          sinks {
            file { type = jsonl, path = "{{directory.File("frames.jsonl")}}", flush-interval = 50ms }
            rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 50ms }
          }
        }
        """;

    private static ReparseSummary Reparse(string config, DateTime? since = null)
    {
        var options = new ActorNetOptions();
        Register(options);
        var settings = ActorNetSettings.Create(ActorNetSettings.ParseOverlay(config), options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        var reparser = new QuarantineReparser(settings, options.Parsers, options.SinkTypes);
        using var quarantine = reparser.OpenQuarantine("rejects");
        return reparser.Run(quarantine, since);
    }

    /// <summary>Runs ActorNet with the v1 parser and sends one connection's lines; returns the peer name.</summary>
    private static async Task<string> QuarantineWithV1Async(string source, int port, TempDirectory directory)
    {
        await using var actorNet = await InProcessActorNet.StartAsync(Config(source, port, directory, "vendor-v1"), Register);
        using var peer = await Loopback.ConnectAsync(port);
        var name = peer.PeerName();
        await peer.SendAsync(Encoding.UTF8.GetBytes($"v1:a\nv2:b\nv1:c\nv2:d\nv3:e\n{LongV2}\n"), SocketFlags.None);
        await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("quarantine.jsonl")) == 4 && JsonlRecords.Count(directory.File("frames.jsonl")) == 2,
            Bound, () => $"4 quarantined and 2 stored; {JsonlRecords.Count(directory.File("quarantine.jsonl"))} and {JsonlRecords.Count(directory.File("frames.jsonl"))}");
        await actorNet.StopAsync();
        return name;
    }

    [Fact]
    public async Task Frames_the_old_parser_rejected_go_to_the_sink_with_their_origin_and_are_marked_resolved_once()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse");
        var port = Loopback.FreePort();
        var peer = await QuarantineWithV1Async(source, port, directory);
        var quarantined = JsonlRecords.Read(directory.File("quarantine.jsonl"));
        var quarantineBytes = await File.ReadAllBytesAsync(directory.File("quarantine.jsonl"));

        var fixedConfig = Config(source, port, directory, "vendor-v2");
        var first = Reparse(fixedConfig);

        Assert.Equal(2, first.Reparsed);
        Assert.Equal(1, first.StillFailing);
        Assert.Equal(1, first.StillFailingReasons["unknown-version"]);
        Assert.Equal(1, first.RawCut); // the long v2 line: only its first 32 bytes were kept
        Assert.False(first.AllResolved);

        var records = JsonlRecords.Read(directory.File("frames.jsonl"));
        Assert.Equal(["v1:a", "v1:c", "v2:b", "v2:d"], records.Select(r => r.GetProperty("payload").GetString()));
        foreach (var payload in new[] { "v2:b", "v2:d" })
        {
            var stored = records.Single(r => r.GetProperty("payload").GetString() == payload);
            var original = quarantined.Single(q => Convert.FromBase64String(q.GetProperty("raw").GetString()!).SequenceEqual(Encoding.UTF8.GetBytes(payload)));
            Assert.Equal(source, stored.GetProperty("source").GetString());
            Assert.Equal(peer, stored.GetProperty("peer").GetString());
            foreach (var field in new[] { "connection", "seq", "peer", "receivedAt" })
                Assert.Equal(original.GetProperty(field).ToString(), stored.GetProperty(field).ToString());
        }
        Assert.Equal([2L, 4L], records.Skip(2).Select(r => r.GetProperty("seq").GetInt64()));

        // The quarantine file itself is never rewritten; the sidecar says what became of its entries.
        Assert.Equal(quarantineBytes, await File.ReadAllBytesAsync(directory.File("quarantine.jsonl")));
        var sidecar = JsonlRecords.Read(directory.File("quarantine.jsonl.reparse"));
        Assert.Equal([2L, 4L], sidecar.Where(l => l.TryGetProperty("resolvedAt", out _)).Select(l => l.GetProperty("seq").GetInt64()));
        var failing = Assert.Single(sidecar, l => l.TryGetProperty("error", out _));
        Assert.Equal(5, failing.GetProperty("seq").GetInt64());
        Assert.Equal("version \"v3\" is not supported by vendor-v2", failing.GetProperty("error").GetString());

        // Running again stores nothing twice and writes nothing.
        var framesBytes = await File.ReadAllBytesAsync(directory.File("frames.jsonl"));
        var sidecarBytes = await File.ReadAllBytesAsync(directory.File("quarantine.jsonl.reparse"));
        var second = Reparse(fixedConfig);
        Assert.Equal(new ReparseSummary(0, 1, second.StillFailingReasons, 1, 0, 0), second);
        Assert.Equal(framesBytes, await File.ReadAllBytesAsync(directory.File("frames.jsonl")));
        Assert.Equal(sidecarBytes, await File.ReadAllBytesAsync(directory.File("quarantine.jsonl.reparse")));
    }

    [Fact]
    public async Task A_partial_frame_lost_on_a_restart_is_never_stored_as_if_it_were_whole()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse");
        // What a connection actor's restart quarantines: the bytes of an unfinished frame, whole (under the raw limit)
        // and parseable by the fixed parser, which must still not make them a record.
        var raw = Convert.ToBase64String(Encoding.UTF8.GetBytes("v2:b"));
        await File.WriteAllTextAsync(directory.File("quarantine.jsonl"),
            $$"""{"source":"{{source}}","connection":1,"peer":"127.0.0.1:5000","seq":1,"receivedAt":"2026-12-06T08:00:00Z","error":"partial frame of 4 bytes discarded because the connection actor restarted","reason":"restart","raw":"{{raw}}","rawLength":4}""" + "\n");

        var summary = Reparse(Config(source, Loopback.FreePort(), directory, "vendor-v2"));

        Assert.Equal(0, summary.Reparsed);
        Assert.Equal(1, summary.RejectedByFraming);
        Assert.False(File.Exists(directory.File("frames.jsonl")) && JsonlRecords.Count(directory.File("frames.jsonl")) > 0);
    }

    [Fact]
    public async Task A_run_killed_in_the_middle_of_marking_loses_no_entry_and_the_next_run_finishes_it()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse-torn");
        var port = Loopback.FreePort();
        await QuarantineWithV1Async(source, port, directory);
        var quarantineBytes = await File.ReadAllBytesAsync(directory.File("quarantine.jsonl"));
        var fixedConfig = Config(source, port, directory, "vendor-v2");
        Assert.Equal(2, Reparse(fixedConfig).Reparsed);

        // What a kill in the middle of the sidecar's append leaves: its first line whole, the second cut in half.
        var sidecarPath = directory.File("quarantine.jsonl.reparse");
        var sidecar = await File.ReadAllBytesAsync(sidecarPath);
        var firstLineEnd = Array.IndexOf(sidecar, (byte)'\n');
        var secondLineEnd = Array.IndexOf(sidecar, (byte)'\n', firstLineEnd + 1);
        await File.WriteAllBytesAsync(sidecarPath, sidecar[..((firstLineEnd + secondLineEnd) / 2)]);

        var after = Reparse(fixedConfig);

        // The entry whose mark was cut is stored again (the one duplicate an interruption can cause); nothing is lost.
        Assert.Equal(1, after.Reparsed);
        Assert.Equal(1, after.StillFailing);
        Assert.Equal(quarantineBytes, await File.ReadAllBytesAsync(directory.File("quarantine.jsonl")));
        var stored = JsonlRecords.Read(directory.File("frames.jsonl")).Select(r => r.GetProperty("payload").GetString()!).ToArray();
        Assert.Equal<string>(["v1:a", "v1:c", "v2:b", "v2:d", "v2:d"], stored);

        // The torn line stays a line of its own; everything appended after it is whole JSON, and a third run changes nothing.
        var lines = (await File.ReadAllTextAsync(sidecarPath)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, line => !IsJson(line));
        var third = Reparse(fixedConfig);
        Assert.Equal(new ReparseSummary(0, 1, third.StillFailingReasons, 1, 0, 0), third);
        Assert.Equal(5, JsonlRecords.Read(directory.File("frames.jsonl")).Count);
    }

    [Fact]
    public async Task Since_leaves_entries_received_earlier_for_a_later_run()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse-since");
        var port = Loopback.FreePort();
        await QuarantineWithV1Async(source, port, directory);
        var fixedConfig = Config(source, port, directory, "vendor-v2");

        var later = Reparse(fixedConfig, since: DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(new ReparseSummary(0, 0, later.StillFailingReasons, 0, 0, 0), later);
        Assert.Equal(2, JsonlRecords.Count(directory.File("frames.jsonl")));

        var earlier = Reparse(fixedConfig, since: DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(2, earlier.Reparsed);
        Assert.Equal(4, JsonlRecords.Count(directory.File("frames.jsonl")));
    }

    private static bool IsJson(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
