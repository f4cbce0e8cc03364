using System.Globalization;
using ActorNet.Http.Admin;

namespace ActorNet.Host.Commands.Status;

/// <summary>The admin API's sources and connections as the two tables <c>actornet status</c> prints.</summary>
public static class StatusTables
{
    public static void Write(TextWriter output, SourcesResponse sources, ConnectionsResponse connections)
    {
        output.WriteLine($"SOURCES ({sources.Sources.Count})");
        var sourceTable = new TextTable(("NAME", false), ("TYPE", false), ("ENDPOINT", false), ("STATE", false), ("CONNS", true),
            ("ACCEPTED", true), ("REJECTED", true), ("FRAMES", true), ("BYTES", true), ("QUARANTINED", true), ("RECONNECTS", true),
            ("LAST ERROR / NEXT ATTEMPT", false));
        foreach (var s in sources.Sources)
        {
            sourceTable.Add(s.Name, s.Type, s.Endpoint, s.State, Count(s.ConnectionsActive), Count(s.ConnectionsAccepted),
                Count(s.ConnectionsRejected), Count(s.Frames), Count(s.Bytes), Count(s.Quarantined), Count(s.Reconnects), FeedNote(s));
        }
        sourceTable.WriteTo(output);

        output.WriteLine();
        output.WriteLine($"CONNECTIONS ({connections.Connections.Count})");
        var connectionTable = new TextTable(("ID", true), ("SOURCE", false), ("PEER", false), ("CONNECTED (UTC)", false),
            ("LAST FRAME (UTC)", false), ("FRAMES", true), ("BYTES", true), ("QUARANTINED", true));
        foreach (var c in connections.Connections)
        {
            // A TLS client certificate's subject follows the peer it identifies (no column for what most sources lack).
            var peer = c.ClientSubject is { } subject ? $"{c.Peer} ({subject})" : c.Peer;
            connectionTable.Add(c.Id.ToString(CultureInfo.InvariantCulture), c.Source, peer, Time(c.ConnectedAt),
                c.LastFrameAt is { } last ? Time(last) : "-", Count(c.Frames), Count(c.Bytes), Count(c.Quarantined));
        }
        connectionTable.WriteTo(output);
    }

    private static string FeedNote(SourceView source) => (source.LastError, source.NextAttemptAt) switch
    {
        (null, null) => "",
        ({ } error, null) => error,
        (null, { } next) => $"next attempt {Time(next)}",
        ({ } error, { } next) => $"{error}; next attempt {Time(next)}",
    };

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
