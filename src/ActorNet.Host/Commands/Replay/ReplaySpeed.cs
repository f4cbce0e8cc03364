using System.Globalization;

namespace ActorNet.Host.Commands.Replay;

/// <summary><c>--speed</c>: <c>1x</c> (as recorded), <c>10x</c> (any positive <c>Nx</c>), or <c>max</c>.</summary>
public static class ReplaySpeed
{
    /// <summary>Times real time, or null for max; false when <paramref name="text"/> is neither.</summary>
    public static bool TryParse(string text, out double? speed)
    {
        speed = null;
        if (text == "max") return true;
        if (text.EndsWith('x') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var factor)
            && factor > 0 && double.IsFinite(factor))
        {
            speed = factor;
            return true;
        }
        return false;
    }
}
