namespace ActorNet.Configuration;

/// <summary>
/// One <c>include</c> directive as written in a HOCON file: where it is, and either the file it names or why it cannot
/// be followed.
/// </summary>
/// <param name="Start">Index of the word <c>include</c>.</param>
/// <param name="End">Index just past the directive (its closing quote or parenthesis).</param>
/// <param name="Line">Line of <see cref="Start"/>, counted from 1.</param>
/// <param name="Text">The directive as written, e.g. <c>include required(file("sinks.conf"))</c>.</param>
/// <param name="Name">The file name as written (escapes decoded), relative to the including file unless rooted; null when <see cref="Problem"/> is set.</param>
/// <param name="Required">Whether a missing file is an error (<c>required(...)</c>) rather than ignored.</param>
/// <param name="Problem">Null for a file include, else why the directive is refused and what was expected instead.</param>
internal sealed record HoconIncludeDirective(int Start, int End, int Line, string Text, string? Name, bool Required, string? Problem);
