namespace ActorNet.Host.Commands.FeedSim;

/// <summary>Generates the records of a simulated feed; one instance per connection, so each client sees a stream of its own.</summary>
public interface IFeedRecords
{
    /// <summary>The JSON payload of record <paramref name="seq"/>, stamped <paramref name="at"/>.</summary>
    byte[] Next(long seq, DateTimeOffset at);
}

/// <summary>The kinds of record feed-sim can send.</summary>
public static class FeedRecords
{
    public const string Sensors = "sensors";
    public const string Ticks = "ticks";

    public static IFeedRecords Create(string kind, Random random) => kind switch
    {
        Sensors => new SensorRecords(random),
        Ticks => new TickRecords(random),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Expected {Sensors} or {Ticks}."),
    };

    /// <summary>ISO-8601 in UTC with milliseconds, the way feeds usually stamp records.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
