using ActorNet.Configuration;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Send;

/// <summary>What one <c>actornet send</c> run does, as parsed from its command line.</summary>
/// <param name="Payloads">The payloads to send, in order (file lines, standard input lines or generated readings).</param>
/// <param name="Rate">Frames per second; null sends as fast as the connection takes them.</param>
/// <param name="Wait">How long to keep printing replies after the last frame was sent.</param>
public sealed record SendOptions(
    HostPort Target,
    FramingSettings Framing,
    IAsyncEnumerable<string> Payloads,
    double? Rate,
    TimeSpan Wait);
