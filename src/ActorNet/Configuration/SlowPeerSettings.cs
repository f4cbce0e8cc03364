namespace ActorNet.Configuration;

/// <summary>
/// How long a tcp peer may take over a frame it has started (see reference.conf: frame-timeout, min-data-rate).
/// </summary>
/// <param name="FrameTimeout">frame-timeout: the longest a started frame may stay incomplete; null when off.</param>
/// <param name="MinBytesPerSecond">min-data-rate.bytes-per-second: the slowest a started frame may arrive; 0 when off.</param>
/// <param name="GracePeriod">min-data-rate.grace-period: how long a frame may arrive at any rate before the rate counts.</param>
public sealed record SlowPeerSettings(TimeSpan? FrameTimeout, int MinBytesPerSecond, TimeSpan GracePeriod)
{
    public static readonly SlowPeerSettings Off = new(null, 0, TimeSpan.FromSeconds(5));

    public bool Enabled => FrameTimeout is not null || MinBytesPerSecond > 0;

    internal static SlowPeerSettings Read(ConfigSection s)
    {
        var timeout = s.Duration("frame-timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), allowOff: true);
        var rate = s.Section("min-data-rate", "{ bytes-per-second = 100, grace-period = 5s }");
        var bytesPerSecond = rate.IntOr("bytes-per-second", "off", 1, 1 << 30) ?? 0;
        var grace = rate.RequiredDuration("grace-period", TimeSpan.Zero, TimeSpan.FromDays(1));
        return new SlowPeerSettings(timeout, bytesPerSecond, grace);
    }
}
