namespace ActorNet.Parsing;

/// <summary>How a sink renders a parsed payload.</summary>
public enum PayloadFormat : byte
{
    /// <summary>Valid UTF-8, written as a JSON string.</summary>
    Text,

    /// <summary>One valid JSON value, written as is (not as a string).</summary>
    Json,

    /// <summary>Arbitrary bytes, written as base64.</summary>
    Binary,
}
