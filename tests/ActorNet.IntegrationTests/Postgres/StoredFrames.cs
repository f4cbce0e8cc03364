using ActorNet.IntegrationTests.EndToEnd;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// Checks a table against what the peers sent: every frame stored exactly once, under its peer's connection, with
/// sequence numbers 1, 2, ... in the order sent, inserted in that order, good frames with their payload and bad ones
/// as quarantine rows with reason, raw and raw_length.
/// </summary>
public static class StoredFrames
{
    /// <param name="payload">SQL for the value to compare a good frame's payload by, such as <c>payload</c> or <c>payload-&gt;&gt;'text'</c>.</param>
    /// <param name="expected">The value <paramref name="payload"/> must have for a good frame.</param>
    public static void Check(PostgresServer server, string table, string source, IReadOnlyDictionary<string, PeerTraffic> peers,
        string payload, Func<byte[], string> expected)
    {
        var problems = new List<string>();
        var rows = server.Query($"""
            SELECT peer, connection, seq, {payload}, reason, raw, raw_length, source
            FROM "{table}" ORDER BY connection, seq
            """);
        var expectedRows = peers.Values.Sum(p => p.Frames.Count);
        if (rows.Count != expectedRows) problems.Add($"{rows.Count} rows stored; expected {expectedRows}, one per frame sent");
        foreach (var wrongSource in rows.Select(r => (string)r[7]!).Distinct().Where(s => s != source))
            problems.Add($"rows of source {wrongSource}; expected only {source}");

        foreach (var (peer, traffic) in peers)
        {
            var stored = rows.Where(r => (string)r[0]! == peer).ToList();
            var connections = stored.Select(r => (long)r[1]!).Distinct().ToList();
            if (connections.Count != 1)
            {
                problems.Add($"{peer}: rows under {connections.Count} connections; expected 1");
                continue;
            }
            if (stored.Count != traffic.Frames.Count) problems.Add($"{peer}: {stored.Count} rows; expected {traffic.Frames.Count}");
            for (var i = 0; i < Math.Min(stored.Count, traffic.Frames.Count); i++)
            {
                var (row, frame) = (stored[i], traffic.Frames[i]);
                var seq = (long)row[2]!;
                if (seq != i + 1) problems.Add($"{peer}: row {i} has seq {seq}; expected {i + 1} (a frame lost or stored twice)");
                if (frame.IsGood && (string?)row[3] != expected(frame.Frame))
                    problems.Add($"{peer} seq {seq}: payload {row[3] ?? "null"}; expected {expected(frame.Frame)}");
                if (!frame.IsGood && ((string?)row[4] != frame.Reason || !frame.Frame.AsSpan().SequenceEqual((byte[]?)row[5]) || (long?)row[6] != frame.Frame.Length))
                    problems.Add($"{peer} seq {seq}: reason {row[4] ?? "null"}, raw_length {row[6] ?? "null"}; expected {frame.Reason} and {frame.Frame.Length} with the frame as raw");
            }
        }

        // Ids follow insertion: within a connection they must follow the sequence numbers.
        var inserted = server.Query($"""SELECT connection, seq FROM "{table}" ORDER BY id""");
        foreach (var connection in inserted.GroupBy(r => (long)r[0]!))
        {
            var seqs = connection.Select(r => (long)r[1]!).ToList();
            var outOfOrder = seqs.Zip(seqs.Skip(1)).FirstOrDefault(p => p.Second <= p.First);
            if (outOfOrder != default) problems.Add($"connection {connection.Key}: seq {outOfOrder.Second} inserted after seq {outOfOrder.First}");
        }

        if (problems.Count > 0)
            throw new XunitException($"{problems.Count} problem(s) in table {table}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems.Take(20)));
    }
}
