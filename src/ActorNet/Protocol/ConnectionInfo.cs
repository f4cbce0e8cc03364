namespace ActorNet.Protocol;

/// <summary>Who a frame came from; one instance per connection, shared by all its batches.</summary>
/// <param name="Source">The source's name.</param>
/// <param name="Id">Unique within the process, never reused.</param>
/// <param name="Peer">The remote end as <c>ip:port</c>.</param>
public sealed record ConnectionInfo(string Source, long Id, string Peer)
{
    /// <summary>The subject of the client certificate a TLS peer presented (tls.client-certificates); null without one.</summary>
    public string? ClientSubject { get; init; }
}
