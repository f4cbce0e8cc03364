namespace ActorNet.Benchmarks.Storage;

/// <summary>The database a <c>store</c> run writes to, through the ActorNet sink of the same name.</summary>
public enum StoreTarget
{
    Sqlite,
    Postgres,
}

/// <summary>The command-line names of <see cref="StoreTarget"/>; they are also the sink types in ActorNet's configuration.</summary>
public static class StoreTargetNames
{
    public static IReadOnlyDictionary<string, StoreTarget> ByName { get; } = new Dictionary<string, StoreTarget>
    {
        ["sqlite"] = StoreTarget.Sqlite,
        ["postgres"] = StoreTarget.Postgres,
    };

    public static string Name(this StoreTarget target) => target switch
    {
        StoreTarget.Sqlite => "sqlite",
        StoreTarget.Postgres => "postgres",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
