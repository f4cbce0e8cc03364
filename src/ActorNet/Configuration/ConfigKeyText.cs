namespace ActorNet.Configuration;

/// <summary>
/// One key of a path as an error names it: as written when it is a plain HOCON key (letters, digits, '-', '_'), and
/// otherwise quoted with control characters escaped (HOCON's own quoted-key syntax), so that a key with a space, a
/// dot, a quote or junk pasted into it is shown exactly, and nothing in it is invisible on a terminal.
/// </summary>
internal static class ConfigKeyText
{
    public static string Segment(string key) =>
        key.Length > 0 && key.All(c => char.IsLetterOrDigit(c) || c is '-' or '_') ? key : HoconSubstitutions.Quote(key);
}
