using ActorNet.Protocol;
using ActorNet.Sinks;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// A sink whose store is never reachable, failing as a database driver does: with a message naming the server, the
/// user and the database (<see cref="Error"/>).
/// </summary>
public sealed class FailingSink : IFrameSink
{
    public const string Error = "Failed to connect to db.internal.example:5432 as user 'actornet_writer' to database 'sensors_prod'";

    public int Write(ParsedBatch batch, bool accepted, bool rejected) => throw new InvalidOperationException(Error);

    public void Flush()
    {
    }

    public void Probe() => throw new InvalidOperationException(Error);

    public void Dispose()
    {
    }
}
