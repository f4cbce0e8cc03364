using System.Text;
using ActorNet.Parsing;

namespace ActorNet.IntegrationTests.Quarantine;

/// <summary>
/// A plug-in parser for a made-up vendor format, <c>vN:payload</c>, that accepts only the versions it knows: an old
/// release (<c>v1</c>) quarantines what a newer firmware sends (<c>v2</c>), the fixed release accepts it.
/// </summary>
public sealed class VersionedParser(string name, params string[] versions) : IFrameParser
{
    public PayloadFormat Format => PayloadFormat.Text;

    public ParseResult Parse(ReadOnlyMemory<byte> frame)
    {
        var text = Encoding.UTF8.GetString(frame.Span);
        var colon = text.IndexOf(':');
        var version = colon < 0 ? "" : text[..colon];
        return versions.Contains(version)
            ? ParseResult.Accept(frame)
            : ParseResult.Reject($"version \"{version}\" is not supported by {name}", "unknown-version");
    }
}
