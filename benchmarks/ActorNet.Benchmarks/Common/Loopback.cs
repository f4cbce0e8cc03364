using System.Net;
using ActorNet.Benchmarks.CommandLine;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// Every benchmark here talks to this machine only: traffic to any other address would be a load test of
/// someone else's network. <see cref="Parse"/> refuses anything that is not a loopback address.
/// </summary>
public static class Loopback
{
    public static IPAddress Parse(string? host)
    {
        if (host is null || host == "localhost")
        {
            return IPAddress.Loopback;
        }

        if (!IPAddress.TryParse(host, out IPAddress? address))
        {
            throw new UsageException($"option --host: '{host}' is not an IP address (use 127.0.0.1)");
        }

        if (!IPAddress.IsLoopback(address))
        {
            throw new UsageException($"option --host: {address} is not a loopback address; these benchmarks only target this machine (127.0.0.1)");
        }

        return address;
    }
}
