using System.Text;
using ActorNet.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.IntegrationTests.Sqlite;

/// <summary>The sqlite sink against a real database file, fed by real peers through ActorNet.</summary>
public sealed class SqliteStorageSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_frame_from_ten_peers_is_stored_once_in_order_and_rejects_go_to_their_own_table()
    {
        using var directory = new TempDirectory();
        var database = directory.File("actornet.db");
        var port = Loopback.FreePort();
        await using var actorNet = await InProcessActorNet.StartAsync($$"""
            actornet {
              sources.sqlite-spec {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                framing { type = delimiter, delimiter = "\n", max-frame-length = 100 }
                parser = json
                sinks = [ store ]
                quarantine = store-rejects
              }
              sinks.store { type = sqlite, path = "{{database}}" }
              sinks.store-rejects { type = sqlite, path = "{{database}}", table = quarantine }
            }
            """);

        const int peers = 10, frames = 1_000;
        await Task.WhenAll(Enumerable.Range(0, peers).Select(async peer =>
        {
            using var socket = await Loopback.ConnectAsync(port);
            var text = new StringBuilder();
            for (var i = 0; i < frames; i++) text.Append($$"""{"peer":{{peer}},"i":{{i}}}""").Append('\n');
            text.Append("{not json}\n");
            await socket.SendAsync(Encoding.UTF8.GetBytes(text.ToString()));
            socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await socket.AwaitClosedByServerAsync(Bound);
        }));
        await actorNet.StopAsync();

        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        var rows = await QueryAsync(connection, "SELECT connection, seq, json_extract(payload, '$.peer'), json_extract(payload, '$.i') FROM frames ORDER BY connection, seq");
        Assert.Equal(peers * frames, rows.Count);
        foreach (var connectionRows in rows.GroupBy(r => r[0]))
        {
            var list = connectionRows.ToList();
            Assert.Equal(frames, list.Count);
            Assert.Equal(Enumerable.Range(1, frames).Select(i => (long)i), list.Select(r => (long)r[1]!));
            Assert.Equal(Enumerable.Range(0, frames).Select(i => (long)i), list.Select(r => (long)r[3]!));
            Assert.Single(list.Select(r => r[2]).Distinct());
        }

        var rejects = await QueryAsync(connection, "SELECT reason, raw, raw_length, seq, payload FROM quarantine");
        Assert.Equal(peers, rejects.Count);
        Assert.All(rejects, r =>
        {
            Assert.Equal("invalid-json", r[0]);
            Assert.Equal("{not json}", Encoding.UTF8.GetString((byte[])r[1]!));
            Assert.Equal(10L, r[2]);
            Assert.Equal(frames + 1L, r[3]);
            Assert.Null(r[4]);
        });
        Assert.Equal("wal", (await QueryAsync(connection, "PRAGMA journal_mode"))[0][0]);
    }

    private static async Task<List<object?[]>> QueryAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
