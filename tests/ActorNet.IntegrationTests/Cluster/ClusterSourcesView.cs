using System.Net.Http.Json;
using System.Text.Json;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// <c>GET /api/cluster</c> with each member's sources, read from one node of a <see cref="ThreeNodeCluster"/>; null
/// when that node does not answer.
/// </summary>
public static class ClusterSourcesView
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<ClusterSourcesBody?> OfAsync(ThreeNodeCluster cluster, int node)
    {
        if (!cluster.IsRunning(node)) return null;
        try
        {
            return await Http.GetFromJsonAsync<ClusterSourcesBody>($"http://127.0.0.1:{cluster.HttpPort(node)}/api/cluster", Json);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public static string Describe(ClusterSourcesBody? body) => body is null
        ? "no answer"
        : string.Join("; ", body.Members.Select(m => $"{m.Address} {m.Status} [{string.Join(",", m.Roles)}] sources " +
              (m.Sources is null ? "null" : string.Join(", ", m.Sources.Select(s => $"{s.Name}({s.Type}) {s.State} {s.Frames} frames"))))) +
          "; feeds " + string.Join(", ", body.Feeds.Select(f => $"{f.Source}@{f.Node}"));
}

public sealed record ClusterSourcesBody(IReadOnlyList<MemberSourcesBody> Members, IReadOnlyList<FeedBody> Feeds)
{
    public MemberSourcesBody? Member(string address) => Members.FirstOrDefault(m => m.Address == address);
}

public sealed record MemberSourcesBody(string Address, string Status, IReadOnlyList<string> Roles, IReadOnlyList<MemberSourceBody>? Sources)
{
    public MemberSourceBody? Source(string name) => Sources?.FirstOrDefault(s => s.Name == name);
}

public sealed record MemberSourceBody(string Name, string Type, string State, int ConnectionsActive, long Frames, long Bytes);
