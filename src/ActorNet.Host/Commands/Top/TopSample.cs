using ActorNet.Http.Admin;

namespace ActorNet.Host.Commands.Top;

/// <summary>
/// One poll of the admin API: the three lists as they were at <paramref name="Clock"/>, a monotonic time (since the
/// session began) that rates are computed over; <paramref name="TakenAt"/> is only for people.
/// </summary>
public sealed record TopSample(
    TimeSpan Clock,
    DateTime TakenAt,
    SourcesResponse Sources,
    SinksResponse Sinks,
    ConnectionsResponse Connections);
