using System.Text.Json;

namespace ActorNet.Http.Dashboard;

/// <summary>The JSON the dashboard's endpoints write: camelCase, like the admin API.</summary>
internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
