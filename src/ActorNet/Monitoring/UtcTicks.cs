namespace ActorNet.Monitoring;

/// <summary>
/// An optional UTC time kept as ticks in one long, so that an actor can publish it and any thread read it whole
/// (0 means none).
/// </summary>
internal static class UtcTicks
{
    public static DateTime? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value == 0 ? null : new DateTime(value, DateTimeKind.Utc);
    }

    public static void Write(ref long ticks, DateTime? time) => Interlocked.Exchange(ref ticks, time?.Ticks ?? 0);
}
