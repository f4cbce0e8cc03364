namespace ActorNet.Configuration;

/// <summary>
/// The configuration cannot be used. <see cref="Errors"/> holds one sentence per problem, each naming the
/// key, the value found and what was expected, so that every mistake is reported in one start-up.
/// </summary>
public sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid ActorNet configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
