using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace ActorNet.Host.Logging;

/// <summary>
/// The text format: <c>2026-12-06T05:07:01.620Z INF ActorNet.Listener Source sensors listening on 127.0.0.1:7000</c>.
/// </summary>
/// <remarks>
/// Serilog's <c>{Timestamp}</c> is the event's local time, whatever the format string says: a template ending in a
/// literal <c>Z</c> printed New York time as if it were UTC. The timestamp is written here from
/// <see cref="DateTimeOffset.UtcDateTime"/> instead, and the template only renders the rest.
/// </remarks>
internal sealed class UtcTextFormatter : ITextFormatter
{
    private const string UtcFormat = "yyyy-MM-ddTHH:mm:ss.fff'Z'";

    private readonly MessageTemplateTextFormatter _rest =
        // :l writes strings without quotes. No :j, which writes every other value as JSON: a Uri would come out quoted.
        new("{Level:u3} {SourceContext} {Message:l}{NewLine}{Exception}", CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        Span<char> timestamp = stackalloc char[32];
        logEvent.Timestamp.UtcDateTime.TryFormat(timestamp, out var written, UtcFormat, CultureInfo.InvariantCulture);
        output.Write(timestamp[..written]);
        output.Write(' ');
        _rest.Format(logEvent, output);
    }
}
