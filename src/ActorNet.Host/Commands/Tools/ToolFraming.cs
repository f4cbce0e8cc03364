using System.CommandLine;
using ActorNet.Configuration;

namespace ActorNet.Host.Commands.Tools;

/// <summary>The <c>--framing</c> option of the test tools, and the framing settings each choice stands for.</summary>
public static class ToolFraming
{
    public const string Lines = "lines";
    public const string LengthField = "length-field";

    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--framing")
        {
            Description = "lines (\"\\n\"-terminated) or length-field (4-byte big-endian length prefix), as ActorNet frames by default",
            DefaultValueFactory = _ => Lines,
        };
        option.AcceptOnlyFromAmong(Lines, LengthField);
        return option;
    }

    /// <summary>
    /// The framing a tcp-listen source gets from <c>framing.type = delimiter</c> (lines) or <c>length-field</c> and
    /// nothing else: built by ActorNet's own settings code from reference.conf, so a tool frames exactly as an
    /// ActorNet source does by default and no default is written down twice.
    /// </summary>
    public static FramingSettings Settings(string choice)
    {
        var type = choice == LengthField ? "length-field" : "delimiter";
        var settings = ActorNetSettings.Parse($"actornet.sources.tool {{ port = 1, framing.type = {type} }}");
        return settings.Sources[0].Framing;
    }

    /// <summary>The <c>--framing</c> choice that <see cref="Settings"/> turned into <paramref name="framing"/>.</summary>
    public static string NameOf(FramingSettings framing) => framing is LengthFieldFramingSettings ? LengthField : Lines;
}
