using System.Text.Json;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>
/// <c>{"symbol":"ACME","price":101.25,"seq":7,"at":"2025-01-01T12:00:00.000Z"}</c>: a few symbols in turn, each
/// price a small random step from its last, like a market data feed's trades.
/// </summary>
public sealed class TickRecords(Random random) : IFeedRecords
{
    private static readonly string[] Symbols = ["ACME", "GLOBEX", "INITECH", "UMBRELLA", "HOOLI"];
    private readonly double[] _prices = [101.25, 54.10, 12.80, 230.00, 78.45];

    public byte[] Next(long seq, DateTimeOffset at)
    {
        var symbol = (int)((seq - 1) % Symbols.Length);
        // Steps of at most half a percent, never down to zero.
        var price = Math.Max(0.01, _prices[symbol] * (1 + (random.NextDouble() - 0.5) * 0.01));
        _prices[symbol] = price;

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("symbol", Symbols[symbol]);
            writer.WriteNumber("price", Math.Round(price, 2));
            writer.WriteNumber("seq", seq);
            writer.WriteString("at", FeedRecords.Timestamp(at));
            writer.WriteEndObject();
        }
        return json.ToArray();
    }
}
