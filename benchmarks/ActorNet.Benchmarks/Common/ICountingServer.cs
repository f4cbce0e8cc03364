using System.Net;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// The shape shared by the raw ceiling and ActorNet, so that the end-to-end and idle measurements treat both the
/// same way: a listening endpoint, two counters that are safe to read from any thread, and disposal.
/// </summary>
public interface ICountingServer : IAsyncDisposable
{
    /// <summary>Short name for result tables ("raw", "actornet").</summary>
    string Name { get; }

    IPEndPoint EndPoint { get; }

    /// <summary>Complete frames taken in so far, over all connections.</summary>
    long FramesReceived { get; }

    /// <summary>
    /// Bad input the server refused: frames quarantined (ActorNet) or connections closed on a bad length field
    /// (raw). The load generator sends none, so any is a failed run, even when the frame count adds up.
    /// </summary>
    long Rejections { get; }

    /// <summary>Connections accepted and not yet closed.</summary>
    long ConnectionsActive { get; }
}
