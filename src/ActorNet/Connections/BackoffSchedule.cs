using ActorNet.Configuration;

namespace ActorNet.Connections;

/// <summary>
/// How long an outbound feed waits before its next connection attempt: min-backoff doubled per failure in a
/// row, capped at max-backoff, varied by +/- random-factor so that many clients do not reconnect in step.
/// Pure: the random draw is passed in, so tests can pin it.
/// </summary>
public sealed class BackoffSchedule
{
    private readonly ReconnectSettings _settings;

    public BackoffSchedule(ReconnectSettings settings) => _settings = settings;

    /// <summary>The wait before attempt <paramref name="failures"/> + 1, for a draw in [0, 1).</summary>
    public TimeSpan Delay(int failures, double random)
    {
        // 2^failures overflows long past 62; the cap is reached long before that.
        var exponent = Math.Min(failures, 62);
        var baseTicks = Math.Min((double)_settings.MinBackoff.Ticks * Math.Pow(2, exponent), _settings.MaxBackoff.Ticks);
        var jitter = 1 + _settings.RandomFactor * (2 * random - 1);
        return TimeSpan.FromTicks((long)(baseTicks * jitter));
    }

    /// <summary>The shortest and longest <see cref="Delay"/> can be after <paramref name="failures"/> failures.</summary>
    public (TimeSpan Min, TimeSpan Max) Bounds(int failures) => (Delay(failures, 0), Delay(failures, 1));

    /// <summary>Whether a connection that lasted <paramref name="uptime"/> resets the failure count.</summary>
    public bool Resets(TimeSpan uptime) => uptime >= _settings.ResetAfter;

    /// <summary>Whether the feed gives up after <paramref name="failures"/> failures in a row.</summary>
    public bool GivesUp(int failures) => _settings.MaxAttempts is { } max && failures >= max;
}
