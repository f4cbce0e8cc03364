using System.Net.Sockets;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Postgres;
using ActorNet.IntegrationTests.Support;
using ActorNet.Sinks.Quarantine;
using Xunit;

namespace ActorNet.IntegrationTests.Quarantine;

/// <summary>Frames quarantined into a PostgreSQL table by a plug-in parser, reparsed by its fixed version into the data table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresQuarantineReparseSpec(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static void Register(ActorNetOptions options) => options
        .AddParser("vendor-v1", () => new VersionedParser("vendor-v1", "v1"))
        .AddParser("vendor-v2", () => new VersionedParser("vendor-v2", "v1", "v2"));

    private string Config(string source, int port, string frames, string rejects, string parser) => $$"""
        actornet {
          sources.{{source}} {
            port = {{port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = {{parser}}
            sinks = [ data ]
            quarantine = rejects
          }
          sinks {
            data { type = postgres, connection-string = "{{server.ConnectionString}}", table = {{frames}} }
            rejects { type = postgres, connection-string = "{{server.ConnectionString}}", table = {{rejects}} }
          }
        }
        """;

    private static ReparseSummary Reparse(string config)
    {
        var options = new ActorNetOptions();
        Register(options);
        var settings = ActorNetSettings.Create(ActorNetSettings.ParseOverlay(config), options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        var reparser = new QuarantineReparser(settings, options.Parsers, options.SinkTypes);
        using var quarantine = reparser.OpenQuarantine("rejects");
        return reparser.Run(quarantine, since: null);
    }

    [PostgresFact]
    public async Task Rows_the_old_parser_rejected_move_to_the_data_table_with_their_origin_and_are_marked_resolved_once()
    {
        var frames = PostgresServer.UniqueTable("frames");
        var rejects = PostgresServer.UniqueTable("rejects");
        var source = TestConfig.UniqueSourceName("reparse-pg");
        var port = Loopback.FreePort();
        await using (var actorNet = await InProcessActorNet.StartAsync(Config(source, port, frames, rejects, "vendor-v1"), Register))
        {
            using var peer = await Loopback.ConnectAsync(port);
            await peer.SendAsync(Encoding.UTF8.GetBytes("v1:a\nv2:b\nv3:c\n"), SocketFlags.None);
            await Eventually.TrueAsync(() => server.Count(frames) == 1 && server.Count(rejects) == 2, Bound,
                () => $"1 row in {frames} and 2 in {rejects}; {server.Count(frames)} and {server.Count(rejects)}");
            await actorNet.StopAsync();
        }

        var fixedConfig = Config(source, port, frames, rejects, "vendor-v2");
        var first = Reparse(fixedConfig);

        Assert.Equal((1L, 1L, 0L), (first.Reparsed, first.StillFailing, first.Skipped));
        var quarantined = server.Query($"SELECT seq, resolved_at IS NOT NULL, error, connection, peer, received_at FROM \"{rejects}\" ORDER BY seq");
        Assert.Equal([2L, true], quarantined[0][..2]);
        Assert.Equal([3L, false, "version \"v3\" is not supported by vendor-v2"], quarantined[1][..3]);
        var moved = Assert.Single(server.Query($"SELECT seq, connection, peer, received_at FROM \"{frames}\" WHERE payload = 'v2:b'"));
        Assert.Equal([2L, quarantined[0][3], quarantined[0][4], quarantined[0][5]], moved);

        var second = Reparse(fixedConfig);
        Assert.Equal((0L, 1L), (second.Reparsed, second.StillFailing));
        Assert.Equal(2, server.Count(frames));
    }
}
