namespace ActorNet.Parsing;

/// <summary>
/// Gives a frame's bytes meaning. Implement it to plug in a vendor format and register it with
/// <c>ActorNetOptions.AddParser</c>. A parser is called from one actor at a time, never concurrently, and
/// must not keep <c>frame</c> beyond the call unless it returns it (or a slice of it) as the payload.
/// Throwing is allowed: the frame is then quarantined with the exception's message, like a rejection.
/// </summary>
public interface IFrameParser
{
    /// <summary>How sinks render the payloads this parser returns.</summary>
    PayloadFormat Format { get; }

    ParseResult Parse(ReadOnlyMemory<byte> frame);
}
