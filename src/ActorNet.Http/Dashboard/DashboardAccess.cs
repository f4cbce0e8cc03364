using System.Security.Cryptography;
using System.Text;
using ActorNet.Configuration;
using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Dashboard;

/// <summary>
/// The admin-token check for the dashboard's data (/api/history, /ws/tail). A browser cannot set headers on a
/// WebSocket, so there the token may also come as <c>?token=</c>.
/// </summary>
internal static class DashboardAccess
{
    public static bool IsAllowed(HttpContext context, HttpSettings settings, bool allowQueryToken)
    {
        if (!settings.RequiresToken) return true;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header["Bearer ".Length..].Trim(), settings))
            return true;
        return allowQueryToken && context.Request.Query["token"].ToString() is { Length: > 0 } token && Matches(token, settings);
    }

    // Constant time, so that response timing does not reveal how much of a guess was right.
    private static bool Matches(string candidate, HttpSettings settings) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(settings.AdminToken));
}
