using Microsoft.Extensions.Logging;

namespace ActorNet.Cluster;

/// <summary>Cluster mode's log events (feed ownership under ActorNet.Feed, membership under ActorNet.Hosting), defined once.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Feed {Source} is owned by this node now (actor system {System})")]
    public static partial void FeedOwned(this ILogger log, string source, string system);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Feed {Source} is handed over: draining it before another node connects")]
    public static partial void FeedHandingOff(this ILogger log, string source);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Feed {Source} was handed over: its frames are delivered and its connection is closed")]
    public static partial void FeedHandedOff(this ILogger log, string source);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information,
        Message = "Cluster node {Address} with roles [{Roles}]: seed nodes {Seeds}; feeds of roles [{FeedRoles}] may be owned here")]
    public static partial void ClusterNodeStarted(this ILogger log, string address, string roles, string seeds, string feedRoles);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning,
        Message = "Feed {Source} does not connect: this node sees {Unreachable} of {Members} members unreachable, not a majority reachable")]
    public static partial void FeedWaitsForMajority(this ILogger log, string source, int unreachable, int members);
}
