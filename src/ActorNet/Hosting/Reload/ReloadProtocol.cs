using System.Net.Sockets;
using ActorNet.Configuration;

namespace ActorNet.Hosting.Reload;

/// <summary>Messages between <see cref="ActorNetService"/> and the guardian for a reload.</summary>
internal static class ReloadProtocol
{
    /// <summary>
    /// Make <see cref="Next"/> the running configuration by applying <see cref="Change"/> (worked out against the
    /// guardian's current settings). <see cref="BoundSockets"/>: the listening sockets of added and restarted sources
    /// bound already, by source name; the guardian owns them from now on. Replied with <see cref="Applied"/>.
    /// </summary>
    public sealed record Apply(ActorNetSettings Next, ConfigurationChange Change, IReadOnlyDictionary<string, Socket> BoundSockets);

    /// <summary>
    /// The reload is done: every stopped actor drained, every new one started. <see cref="Failures"/>: sources that
    /// could not start (a listening address that could not be bound once the old source let go of it).
    /// </summary>
    public sealed record Applied(IReadOnlyList<string> Failures);

    /// <summary>The reply to <see cref="Apply"/> once a shutdown has begun: nothing was changed.</summary>
    public sealed class ShuttingDown
    {
        public static readonly ShuttingDown Instance = new();
        private ShuttingDown() { }
    }
}
