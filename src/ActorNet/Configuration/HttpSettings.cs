namespace ActorNet.Configuration;

/// <summary>The operations endpoints: /metrics, /health, the admin API and the dashboard.</summary>
/// <param name="Enabled">Whether ActorNet serves them at all.</param>
/// <param name="Host">The address to bind; loopback unless an operator decides otherwise.</param>
/// <param name="Port">The TCP port (0 picks a free one, for tests).</param>
/// <param name="AdminToken">When not empty, /api requires <c>Authorization: Bearer &lt;token&gt;</c>.</param>
public sealed record HttpSettings(bool Enabled, string Host = "127.0.0.1", int Port = 8080, string AdminToken = "")
{
    public bool RequiresToken => AdminToken.Length > 0;
}
