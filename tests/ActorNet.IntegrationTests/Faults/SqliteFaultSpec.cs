using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Executable;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.IntegrationTests.Faults;

/// <summary>
/// A real SQLite file that cannot be written: read-only at start, removed while running, locked by another
/// connection. In each, readiness says 503 while the sink cannot write, no peer is told <c>ACK n</c> for a frame
/// that is not in the file the path names, and everything read is stored exactly once when it can write again.
/// </summary>
public sealed class SqliteFaultSpec : HttpTestKit
{
    [ScratchFilesystemFact]
    public async Task A_database_on_a_read_only_filesystem_at_start_is_not_ready_acks_nothing_and_stores_everything_once_writable()
    {
        using var filesystem = ScratchFilesystem.Mount(16 * 1024 * 1024);
        var database = filesystem.File("actornet.db");
        CreateDatabase(database);
        filesystem.MakeReadOnly();
        await StartWithSqliteAsync(database);
        await using var peer = await AckingPeer.ConnectAsync(Port, "ro");
        var sink = Service.Status.Sink(DataSink)!;

        await peer.SendLinesAsync(1, 200);
        var down = await AwaitReadyAsync(HttpStatusCode.ServiceUnavailable, "503 while the file system is read-only");
        Assert.Equal(SinkStates.Failing, SinkNotReady(down));
        await PollAsync(() => Task.FromResult(sink.BacklogFrames), n => n == 200, n => $"200 frames held; {n}");
        Assert.Equal(0, peer.HighestAck);
        var view = await SinkViewAsync();
        Assert.Equal((SinkStates.Failing, false), (view.State, view.CanWrite));
        Assert.Contains("cannot open", view.LastError, StringComparison.Ordinal);

        filesystem.MakeWritable();
        await PollAsync(() => Task.FromResult(peer.HighestAck), n => n == 200, n => $"ACK 200 once writable; highest {n}");
        await AwaitReadyAsync(HttpStatusCode.OK, "200 once writable");
        AssertStoredOnce(database, peer, 1, 200);
        Assert.Null(peer.Violation);
    }

    [Fact]
    public async Task A_database_file_removed_while_running_is_an_outage_and_what_follows_is_stored_in_the_new_file_once()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Akka.Event.Error));
        using var directory = new TempDirectory();
        var store = directory.File("store");
        var database = store + "/actornet.db";
        // No idle probe: between the removal and the blocking file below nothing may open the path again.
        await StartWithSqliteAsync(database, probeInterval: "1h");
        await using var peer = await AckingPeer.ConnectAsync(Port, "rm");
        var sink = Service.Status.Sink(DataSink)!;
        await peer.SendLinesAsync(1, 100);
        await PollAsync(() => Task.FromResult(peer.HighestAck), n => n == 100, n => $"ACK 100; highest {n}");
        AssertStoredOnce(database, peer, 1, 100);

        // Removed with its -wal and -shm, as an operator cleaning up would; a file where the directory was keeps
        // the path from being created again until the test says so.
        Directory.Delete(store, recursive: true);
        await File.WriteAllTextAsync(store, "not a directory");
        await peer.SendLinesAsync(101, 200);
        var down = await AwaitReadyAsync(HttpStatusCode.ServiceUnavailable, "503 once the removal is noticed");
        Assert.Equal(SinkStates.Failing, SinkNotReady(down));
        await PollAsync(() => Task.FromResult(sink.BacklogFrames), n => n == 100, n => $"100 frames held; {n}");
        Assert.Equal(100, peer.HighestAck);
        // The write that noticed says why (later retries report what blocks the path now).
        errors.FishForMessage<Akka.Event.Error>(e => e.Cause?.Message.Contains($"{database} was removed while open", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(10));

        File.Delete(store);
        await PollAsync(() => Task.FromResult(peer.HighestAck), n => n == 200, n => $"ACK 200 once the path can be created again; highest {n}");
        await AwaitReadyAsync(HttpStatusCode.OK, "200 once writing again");
        // The removed file took lines 1..100 with it: the new file holds exactly what came after, once each.
        AssertStoredOnce(database, peer, 101, 200);
        Assert.Null(peer.Violation);
    }

    [Fact]
    public async Task A_database_locked_by_another_connection_is_not_ready_while_locked_and_stores_everything_once_released()
    {
        using var directory = new TempDirectory();
        var database = directory.File("actornet.db");
        await StartWithSqliteAsync(database);
        await using var peer = await AckingPeer.ConnectAsync(Port, "lock");
        await peer.SendLinesAsync(1, 50);
        await PollAsync(() => Task.FromResult(peer.HighestAck), n => n == 50, n => $"ACK 50; highest {n}");

        using (var other = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            other.Open();
            using var lockIt = other.CreateCommand();
            lockIt.CommandText = "BEGIN IMMEDIATE";
            lockIt.ExecuteNonQuery();

            await peer.SendLinesAsync(51, 100);
            var down = await AwaitReadyAsync(HttpStatusCode.ServiceUnavailable, "503 while another connection holds the write lock");
            Assert.Equal(SinkStates.Failing, SinkNotReady(down));
            Assert.Contains("locked", (await SinkViewAsync()).LastError, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(50, peer.HighestAck);

            lockIt.CommandText = "COMMIT";
            lockIt.ExecuteNonQuery();
        }

        await PollAsync(() => Task.FromResult(peer.HighestAck), n => n == 100, n => $"ACK 100 once released; highest {n}");
        await AwaitReadyAsync(HttpStatusCode.OK, "200 once released");
        AssertStoredOnce(database, peer, 1, 100);
        Assert.Null(peer.Violation);
    }

    private Task StartWithSqliteAsync(string database, string probeInterval = "100ms") =>
        StartAsync(sourceSettings: "ack.enabled = on", sinks: ($"sinks = [ {DataSink} ], quarantine = {DataSink}",
            $"{DataSink} {{ type = sqlite, path = \"{database}\", probe-interval = {probeInterval} }}"));

    private static void CreateDatabase(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE made_before_start (x INTEGER)";
        command.ExecuteNonQuery();
    }

    private void AssertStoredOnce(string database, AckingPeer peer, long from, long to)
    {
        var rows = StoredRows.Read(database, SourceName);
        Assert.Equal(Enumerable.Range((int)from, (int)(to - from + 1)).Select(seq => peer.Line(seq)), rows.Select(r => r.Payload));
        Assert.Equal(rows.Count, rows.Select(r => (r.Connection, r.Seq)).Distinct().Count());
    }

    private async Task<SinkView> SinkViewAsync() =>
        (await Http.GetFromJsonAsync("/api/sinks", AdminJsonContext.Default.SinksResponse))!.Sinks.Single(s => s.Name == DataSink);

    private string? SinkNotReady(JsonDocument ready) =>
        ready.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "sinks")
            .GetProperty("notReady").GetProperty(DataSink).GetString();

    private async Task<JsonDocument> AwaitReadyAsync(HttpStatusCode expected, string awaited)
    {
        var answer = await PollAsync(async () =>
        {
            using var response = await Http.GetAsync("/health/ready");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode == expected, r => $"{awaited}; {(int)r.StatusCode} {r.Body}");
        return JsonDocument.Parse(answer.Body);
    }
}
