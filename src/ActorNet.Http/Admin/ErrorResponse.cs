namespace ActorNet.Http.Admin;

/// <summary>The body of every 4xx answer of the admin API: <c>{"error": "..."}</c>.</summary>
public sealed record ErrorResponse(string Error);
