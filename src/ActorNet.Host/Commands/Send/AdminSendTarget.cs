namespace ActorNet.Host.Commands.Send;

/// <summary>
/// Where <c>send --connection</c> or <c>send --broadcast</c> writes: one open connection, or every connection of a
/// source, of the ActorNet whose admin API listens at <see cref="Url"/>.
/// </summary>
/// <param name="Url">The HTTP endpoints' base address, ending with <c>/</c>.</param>
/// <param name="Token">The admin token, or null when the instance has none.</param>
/// <param name="Connection">The connection's id (as <c>actornet status</c> and <c>GET /api/connections</c> show it), or null.</param>
/// <param name="Source">The source to broadcast to, or null.</param>
public sealed record AdminSendTarget(Uri Url, string? Token, long? Connection, string? Source)
{
    /// <summary>The endpoint, relative to <see cref="Url"/>.</summary>
    public string Path => Connection is { } id ? $"api/connections/{id}/send" : $"api/sources/{Uri.EscapeDataString(Source!)}/broadcast";

    public override string ToString() => Connection is { } id ? $"connection {id}" : $"every connection of source {Source}";
}
