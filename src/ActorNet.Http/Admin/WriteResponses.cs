using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorNet.Http.Admin;

/// <summary>The body of <c>202</c> from <c>POST /api/connections/{id}/send</c>: the frame is queued for that peer.</summary>
/// <param name="Bytes">What the peer receives: the payload in its source's framing (delimiter or length field included).</param>
public sealed record SentResponse(long Connection, int Bytes);

/// <summary>The body of <c>202</c> from <c>POST /api/sources/{name}/broadcast</c>: the frame is queued for every open connection of the source.</summary>
/// <param name="Connections">How many connections it was handed to (0 when none is open).</param>
/// <param name="Bytes">What each peer receives: the payload in the source's framing.</param>
public sealed record BroadcastResponse(string Source, int Connections, int Bytes);

/// <summary>
/// The JSON of the admin API's writes, beside <see cref="AdminJsonContext"/> (errors are its <see cref="ErrorResponse"/>),
/// with the same camelCase names.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SentResponse))]
[JsonSerializable(typeof(BroadcastResponse))]
public sealed partial class WriteJsonContext : JsonSerializerContext;
