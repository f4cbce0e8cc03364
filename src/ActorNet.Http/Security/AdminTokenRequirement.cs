namespace ActorNet.Http.Security;

/// <summary>Endpoint metadata: this endpoint answers only requests that carry the admin token (when one is configured).</summary>
/// <param name="AllowQueryToken">Also accept <c>?token=</c>, for WebSockets, whose browser API cannot set headers.</param>
public sealed record AdminTokenRequirement(bool AllowQueryToken);
