using ActorNet.Benchmarks.Ceiling;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>The servers a comparison can run, in the order it runs them.</summary>
public enum ServerKind
{
    Raw,
    ActorNet,

    /// <summary>ActorNet with TLS on its source (a self-signed certificate); the load generator speaks TLS to it.</summary>
    ActorNetTls,
}

/// <summary>Names for <c>--servers</c> and starting each kind the same way.</summary>
public static class ServerKinds
{
    public static IReadOnlyDictionary<string, ServerKind[]> ByName { get; } = new Dictionary<string, ServerKind[]>
    {
        ["both"] = [ServerKind.Raw, ServerKind.ActorNet],
        ["raw"] = [ServerKind.Raw],
        ["actornet"] = [ServerKind.ActorNet],
        // Plaintext and TLS ActorNet in the same run, so that their ratio is measured on the same machine state.
        ["tls"] = [ServerKind.ActorNet, ServerKind.ActorNetTls],
    };

    /// <summary>The name results print for <paramref name="kind"/> (the one its server reports).</summary>
    public static string Name(ServerKind kind) => kind == ServerKind.ActorNetTls ? "actornet-tls" : kind.ToString().ToLowerInvariant();

    /// <summary>Whether the load generator must speak TLS to <paramref name="kind"/>.</summary>
    public static bool SpeaksTls(ServerKind kind) => kind == ServerKind.ActorNetTls;

    /// <param name="kind">Which server.</param>
    /// <param name="framing">How the workload frames its records.</param>
    /// <param name="maxPayloadLength">Largest payload the server must accept (see <see cref="MaxFrameLengthFor"/>).</param>
    /// <param name="tuning">ActorNet's configuration changes; the raw ceiling has none.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<ICountingServer> StartAsync(
        ServerKind kind, WireFraming framing, int maxPayloadLength, ActorNetTuning tuning, CancellationToken cancellationToken) => kind switch
    {
        ServerKind.Raw => new RawFrameCounter(framing, maxPayloadLength),
        ServerKind.ActorNet => await ActorNetServer.StartAsync(framing, maxPayloadLength, tuning, cancellationToken).ConfigureAwait(false),
        ServerKind.ActorNetTls => await ActorNetServer.StartAsync(framing, maxPayloadLength, tuning, cancellationToken, tls: true).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// max-frame-length for a workload: at least 64 KiB (ActorNet's usual setting), and never below the payload,
    /// so that a large --size measures framing, not rejection.
    /// </summary>
    public static int MaxFrameLengthFor(int payloadSize) => Math.Max(64 * 1024, payloadSize);
}
