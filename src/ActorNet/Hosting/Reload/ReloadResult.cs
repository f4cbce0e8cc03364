namespace ActorNet.Hosting.Reload;

public enum ReloadOutcome
{
    /// <summary>The file was valid and its sources and sinks are running (see <see cref="ReloadResult.Change"/>).</summary>
    Applied,

    /// <summary>The file was invalid, or an address it names could not be bound: nothing changed (see <see cref="ReloadResult.Errors"/>).</summary>
    Rejected,

    /// <summary>Another reload was running; this one was not started.</summary>
    Busy,

    /// <summary>ActorNet runs on configuration that has no file behind it (the embedded default, or settings built in code).</summary>
    NothingToReload,
}

/// <summary>What <see cref="ActorNetService.ReloadAsync"/> did.</summary>
/// <param name="Change">Set when <see cref="Outcome"/> is <see cref="ReloadOutcome.Applied"/>.</param>
/// <param name="Errors">Why the reload was not applied, one sentence each (empty when applied).</param>
/// <param name="Failures">
/// Applied, but these sources could not start: their address, let go of by the source they replace, was taken
/// meanwhile. They show as stopped in the status, and the next reload tries again.
/// </param>
public sealed record ReloadResult(ReloadOutcome Outcome, ConfigurationChange? Change, IReadOnlyList<string> Errors, IReadOnlyList<string> Failures)
{
    public static ReloadResult Refused(ReloadOutcome outcome, params string[] errors) => new(outcome, null, errors, []);
}
