using System.Diagnostics;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// Awaits a condition instead of sleeping for a guessed time: polls until it holds and fails, naming what was
/// awaited and what was seen, once the deadline passes. A fast machine finishes early and a slow one still passes.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <param name="condition">Checked at once and then every 20 ms.</param>
    /// <param name="within">How long the condition may take to hold.</param>
    /// <param name="describe">What was awaited and the state seen, for the failure message.</param>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan within, Func<string>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > within)
                throw new XunitException($"Not true within {within.TotalSeconds:0.###} s: {describe?.Invoke() ?? "condition"}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Polls <paramref name="read"/> until its value satisfies <paramref name="accept"/>, and returns that value.</summary>
    public static Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> accept, TimeSpan within, string awaited) =>
        ValueAsync(read, accept, within, () => awaited);

    /// <summary>
    /// As <see cref="ValueAsync{T}(Func{T}, Func{T, bool}, TimeSpan, string)"/>, with the description built when the
    /// deadline passes: a description naming live state (processes' output, a cluster's view) must show it then, not
    /// as it was when the wait began.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> accept, TimeSpan within, Func<string> awaited)
    {
        var value = read();
        await TrueAsync(() => accept(value = read()), within, () => $"{awaited()}; last seen: {Describe(value)}");
        return value;
    }

    private static string Describe(object? value) => value switch
    {
        System.Collections.ICollection c => $"{c.Count} item(s)",
        null => "null",
        _ => value.ToString() ?? "",
    };
}
