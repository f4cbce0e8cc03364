using System.Net;
using ActorNet.Configuration;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>What one <c>actornet feed-sim</c> run serves, as parsed from its command line.</summary>
/// <param name="Address">A loopback address: feed-sim is a test fixture and never listens beyond this machine.</param>
/// <param name="Port">0 lets the system pick a free port (printed when listening).</param>
/// <param name="Records">sensors | ticks (see <see cref="FeedRecords"/>).</param>
/// <param name="Rate">Records per second sent to each client.</param>
/// <param name="DropEvery">Each connection is reset this long after it was accepted; null never.</param>
/// <param name="DropMidFrame">Write the first half of a frame just before each reset.</param>
/// <param name="StallAfter">Each connection goes silent (and stays open) this long after it was accepted; null never.</param>
public sealed record FeedSimOptions(
    IPAddress Address,
    int Port,
    string Records,
    FramingSettings Framing,
    double Rate,
    TimeSpan? DropEvery,
    bool DropMidFrame,
    TimeSpan? StallAfter);
