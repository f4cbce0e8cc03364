using Akka.Cluster.Sharding;

namespace ActorNet.Cluster;

/// <summary>
/// One shard per feed, named after its source: the allocation strategy then spreads feeds, not hash buckets, evenly
/// over the nodes, and a rebalance moves one feed at a time. (Sharding unwraps its own remember-entities restarts,
/// <c>ShardRegion.StartEntity</c>, before asking an extractor, through <see cref="ShardId(string, object?)"/>.)
/// </summary>
internal sealed class FeedMessageExtractor : IMessageExtractor
{
    public static readonly FeedMessageExtractor Instance = new();

    public string? EntityId(object message) => message switch
    {
        FeedEntityProtocol.Start start => start.Source,
        _ => null,
    };

    public object EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
