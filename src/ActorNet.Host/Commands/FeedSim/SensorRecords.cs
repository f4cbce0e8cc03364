using System.Text.Json;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>
/// <c>{"sensor":"s-3","temperature":21.7,"seq":7,"at":"2025-01-01T12:00:00.000Z"}</c>: five sensors in turn, each
/// temperature drifting a little from its last reading, as room sensors do.
/// </summary>
public sealed class SensorRecords(Random random) : IFeedRecords
{
    private const int SensorCount = 5;
    private readonly double[] _temperatures = [21.0, 21.5, 20.5, 22.0, 19.5];

    public byte[] Next(long seq, DateTimeOffset at)
    {
        var sensor = (int)((seq - 1) % SensorCount);
        var temperature = Math.Clamp(_temperatures[sensor] + (random.NextDouble() - 0.5) * 0.6, 15, 30);
        _temperatures[sensor] = temperature;

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("sensor", $"s-{sensor + 1}");
            writer.WriteNumber("temperature", Math.Round(temperature, 1));
            writer.WriteNumber("seq", seq);
            writer.WriteString("at", FeedRecords.Timestamp(at));
            writer.WriteEndObject();
        }
        return json.ToArray();
    }
}
