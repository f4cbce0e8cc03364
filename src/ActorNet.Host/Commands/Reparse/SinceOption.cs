using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ActorNet.Configuration;

namespace ActorNet.Host.Commands.Reparse;

/// <summary>
/// <c>--since T</c>: an instant in ISO-8601 (UTC unless it names an offset: <c>2026-12-06T05:00:00Z</c>) or a duration
/// back from now written as in the configuration (<c>2h</c>, <c>30m</c>). Resolved to a UTC instant when parsed.
/// </summary>
public static class SinceOption
{
    public static Option<DateTime?> Create(Func<DateTime> now) => new("--since")
    {
        Description = "Only entries received at or after T: an ISO-8601 instant (UTC unless an offset is given) or a duration back from now (2h, 30m)",
        HelpName = "T",
        CustomParser = result => Parse(result, now),
    };

    private static DateTime? Parse(ArgumentResult result, Func<DateTime> now)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (TryParse(text, now(), out var since)) return since;
        result.AddError($"--since: \"{text}\" is neither an ISO-8601 instant (2026-12-06T05:00:00Z) nor a duration (2h, 30m)");
        return null;
    }

    public static bool TryParse(string text, DateTime nowUtc, out DateTime since)
    {
        if (DurationParser.TryParse(text, out var back))
        {
            since = nowUtc - back;
            return true;
        }
        if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var instant))
        {
            since = instant.UtcDateTime;
            return true;
        }
        since = default;
        return false;
    }
}
