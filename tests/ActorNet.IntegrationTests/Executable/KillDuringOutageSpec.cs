using ActorNet.IntegrationTests.Postgres;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// The real executable killed with <c>kill -9</c> while its database is down: the frames it acknowledged during the
/// outage exist only in the sink's on-disk spool, so after a restart they must come back from there, each once.
/// A PostgreSQL server of its own, since the spec stops it.
/// </summary>
public sealed class KillDuringOutageSpec(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReplayBound = TimeSpan.FromSeconds(60);
    private const long AcknowledgedBeforeOutage = 3_000;

    // ACKs this far past anything the database can hold can only have come from the spool.
    private const long AcknowledgedFromSpool = 5_000;

    [PostgresFact]
    public async Task Every_frame_acknowledged_from_the_spool_during_an_outage_is_in_the_database_after_kill_9_and_restart()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("outagekill");
        var table = PostgresServer.UniqueTable("outagekill");
        // The restarted process listens on the same port: one no outgoing connection can take while it is down.
        var port = Loopback.FreePort();
        var spool = directory.File("spool");
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              sources.{{source}} {
                port = {{port}}
                framing { type = delimiter, delimiter = "\n" }
                parser = text
                ack.enabled = on
                sinks = [ db ]
                quarantine = db
              }
              sinks.db {
                type = postgres, connection-string = "{{server.ConnectionString}}", table = {{table}}
                spool-dir = "{{spool}}", flush-interval = 200ms, probe-interval = 200ms
              }
            }
            """);

        long highestAck, handed, handedWhenDown, rowsWhenUp;
        string killedOutput;
        using (var first = ActorNetProcess.Start(directory.Path, "run", "--config", config))
        {
            await first.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
            using var peer = await NumberedLinePeer.StartAsync(port);
            await Eventually.TrueAsync(() => peer.HighestAck >= AcknowledgedBeforeOutage || peer.Streaming.IsCompleted, Bound,
                () => $"ACK {AcknowledgedBeforeOutage} or more with the database up; highest ACK {peer.HighestAck}, {peer.Written} lines written{Environment.NewLine}{first.Output}");
            if (peer.Streaming.IsCompleted) Assert.Fail($"the peer stopped streaming before the outage: {await peer.Streaming}");
            rowsWhenUp = server.Count(table);

            await Task.Run(server.Stop);
            // The server is down: ActorNet cannot have stored more than the peer had handed to its socket by now.
            handedWhenDown = peer.Handed;
            output.WriteLine($"database stopped: highest ACK {peer.HighestAck}, {rowsWhenUp} rows shortly before, at most {handedWhenDown} lines handed");

            await Eventually.TrueAsync(() => peer.HighestAck >= handedWhenDown + AcknowledgedFromSpool || peer.Streaming.IsCompleted, Bound,
                () => $"ACK {handedWhenDown + AcknowledgedFromSpool} or more from the spool; highest ACK {peer.HighestAck}, {peer.Written} lines written{Environment.NewLine}{first.Output}");
            if (peer.Streaming.IsCompleted) Assert.Fail($"the peer stopped streaming during the outage: {await peer.Streaming}{Environment.NewLine}{first.Output}");

            await first.KillAsync(Bound);

            // The kill resets the connection: both loops end, and nothing more can be acknowledged.
            var streamEnd = await peer.Streaming.WaitAsync(Bound);
            await peer.Reading.WaitAsync(Bound);
            highestAck = peer.HighestAck;
            handed = peer.Handed;
            killedOutput = first.Output;
            Assert.Empty(peer.Unexpected);
            output.WriteLine($"killed with SIGKILL: highest ACK {highestAck}, {peer.Written} lines written, {handed} handed; the peer stopped on {streamEnd}");
            output.WriteLine(killedOutput);
        }

        var segmentsAtKill = Segments(spool);
        Assert.True(segmentsAtKill.Length > 0, $"the outage left a spool under {spool}{Environment.NewLine}{killedOutput}");

        await Task.Run(server.Start);
        // Nothing writes to the table now: this is what the database held throughout the outage.
        var rowsDuringOutage = server.Count(table);
        output.WriteLine($"at the kill: {rowsDuringOutage} rows in the database, {segmentsAtKill.Length} spool segment(s) " +
                         $"of {segmentsAtKill.Sum(s => new FileInfo(s).Length)} bytes");
        Assert.True(highestAck >= rowsDuringOutage + AcknowledgedFromSpool,
            $"ACK {highestAck} while the database was down with {rowsDuringOutage} rows: at least {AcknowledgedFromSpool} frames acknowledged from the spool");

        // Same configuration, same spool: it must start and replay the spool before anything new (nothing new comes).
        using var restarted = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await restarted.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);

        var check = new NumberedRows(server, table);
        await Eventually.TrueAsync(() => server.Count(table) >= highestAck && check.MissingUpTo(highestAck) == 0, ReplayBound,
            () => $"every acknowledged frame 1..{highestAck} stored after the restart; {check.MissingUpTo(highestAck)} missing, {server.Count(table)} rows" +
                  $"{Environment.NewLine}--- killed process ---{Environment.NewLine}{killedOutput}" +
                  $"{Environment.NewLine}--- restarted process ---{Environment.NewLine}{restarted.Output}");
        await Eventually.TrueAsync(() => Segments(spool).Length == 0, Bound,
            () => $"the spool emptied; left: {string.Join(", ", Segments(spool).Select(Path.GetFileName))}{Environment.NewLine}{restarted.Output}");

        var summary = check.Summary(highestAck);
        output.WriteLine($"after the restart: {summary}");
        output.WriteLine(restarted.Stdout);
        Assert.True(summary.Duplicated.Count == 0, $"payloads stored more than once (the database was down at the kill, so nothing was being replayed): {summary}");
        Assert.Equal(highestAck, summary.AcknowledgedStored);
        Assert.True(summary.Foreign == 0, $"rows that are no line the peer sent: {summary}");
        Assert.InRange(summary.Highest, highestAck, handed);
        Assert.True(summary.OutOfOrder == 0, $"rows inserted out of the order sent: {summary}");

        await restarted.TerminateAsync();
        var exitCode = await restarted.WaitForExitAsync(Bound);
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{restarted.Output}");
        Assert.Empty(Segments(spool));
    }

    private static string[] Segments(string spool) =>
        Directory.Exists(spool) ? Directory.GetFiles(spool, "*.seg", SearchOption.AllDirectories) : [];

    /// <summary>What the table holds, counted in PostgreSQL: a killed stream can leave millions of rows.</summary>
    private sealed record TableSummary(long Rows, long AcknowledgedStored, long Highest, long Foreign, long OutOfOrder, IReadOnlyList<string> Duplicated)
    {
        public override string ToString() =>
            $"{Rows} rows, {AcknowledgedStored} distinct acknowledged lines, highest line {Highest}, {Foreign} foreign rows, " +
            $"{OutOfOrder} inserted out of order, duplicated: [{string.Join(", ", Duplicated)}]";
    }

    /// <summary>The table's rows as the peer's line numbers (<c>frame-000042</c> is 42; anything else is null).</summary>
    private sealed class NumberedRows(PostgresServer server, string table)
    {
        private string Numbered => $"""
            SELECT id, CASE WHEN payload ~ '^frame-[0-9]+$' THEN substr(payload, 7)::bigint END AS n FROM "{table}"
            """;

        public long MissingUpTo(long highest) => (long)server.Query($"""
            SELECT count(*) FROM (SELECT generate_series(1, {highest}) EXCEPT SELECT n FROM ({Numbered}) r) m
            """)[0][0]!;

        public TableSummary Summary(long highestAck)
        {
            var counts = server.Query($"""
                SELECT count(*), count(DISTINCT n) FILTER (WHERE n BETWEEN 1 AND {highestAck}), coalesce(max(n), 0),
                       count(*) FILTER (WHERE n IS NULL OR n < 1)
                FROM ({Numbered}) r
                """)[0];
            var outOfOrder = (long)server.Query($"""
                SELECT count(*) FROM (SELECT n, lag(n) OVER (ORDER BY id) AS previous FROM ({Numbered}) r) o WHERE n <= previous
                """)[0][0]!;
            var duplicated = server.Query($"""
                SELECT n, count(*) FROM ({Numbered}) r WHERE n IS NOT NULL GROUP BY n HAVING count(*) > 1 ORDER BY n LIMIT 20
                """).Select(d => $"{d[0]}×{d[1]}").ToList();
            return new TableSummary((long)counts[0]!, (long)counts[1]!, (long)counts[2]!, (long)counts[3]!, outOfOrder, duplicated);
        }
    }
}
