using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorNet.Http.Admin;

/// <summary>
/// The admin API's JSON shapes, generated at build time with camelCase names (the contract clients such as
/// <c>actornet status</c> read).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SourcesResponse))]
[JsonSerializable(typeof(ConnectionsResponse))]
[JsonSerializable(typeof(SinksResponse))]
[JsonSerializable(typeof(ClosingResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ReloadResponse))]
[JsonSerializable(typeof(ClusterResponse))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
