using System.Net.Sockets;
using ActorNet.IntegrationTests.Dashboard;
using ActorNet.IntegrationTests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// The dashboard's cluster panel in headless Chromium, served by one node of three real ones: every member with its
/// status, roles, the feed it owns, its sources and its own live counters; the feed's row moves when its owner leaves.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterDashboardSpec
{
    [ChromiumFact]
    public async Task The_cluster_panel_shows_members_feed_ownership_and_counters_per_node_and_follows_a_graceful_leave()
    {
        await using var feed = new NumberedFeedServer(resendWindow: 300, TimeSpan.FromMilliseconds(10));
        using var cluster = new ThreeNodeCluster(feed.Port);
        await cluster.StartAllAsync();
        await Eventually.TrueAsync(() => feed.Current is { Node: not "?" } s && s.LastFrame > 0, ThreeNodeCluster.Bound,
            () => $"a session of the feed; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        var owner = feed.Current!.Node[1] - '0';
        var served = (owner + 1) % 3;
        var holder = (owner + 2) % 3;

        using var browser = DashboardBrowserSpec.StartChromium();
        var wait = new WebDriverWait(browser, ThreeNodeCluster.Bound) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            browser.Navigate().GoToUrl($"http://127.0.0.1:{cluster.HttpPort(served)}/");
            wait.Until(b => b.FindElement(By.Id("cluster-section")).Displayed && b.FindElements(By.CssSelector("#members tbody tr")).Count == 3);
            for (var node = 0; node < 3; node++)
            {
                var address = cluster.Address(node);
                wait.Until(b => Cell(b, address, "status").Text == "up" && Cell(b, address, "sources").Text.Contains("vendor", StringComparison.Ordinal));
                Assert.Equal(node == owner ? ThreeNodeCluster.Feed : "", Cell(browser, address, "feeds").Text);
                Assert.Equal(node == owner ? "vendor: connected" : "vendor: owned-elsewhere",
                    Cell(browser, address, "sources").Text.Split(", ").Single(s => s.StartsWith("vendor:", StringComparison.Ordinal)));
                Assert.Contains("devices: listening", Cell(browser, address, "sources").Text);
            }

            // The owner's frames counter is its own and it moves while the feed streams.
            var ownerAddress = cluster.Address(owner);
            wait.Until(b => Frames(b, ownerAddress) > 0);
            var seen = Frames(browser, ownerAddress);
            wait.Until(b => Frames(b, ownerAddress) > seen);

            // A device on another node counts there only: its connection and its frames on its member's row.
            var holderAddress = cluster.Address(holder);
            using (var device = await Loopback.ConnectAsync(cluster.DevicePort(holder)))
            {
                await device.SendAsync("d-1\nd-2\n"u8.ToArray(), SocketFlags.None);
                wait.Until(b => Cell(b, holderAddress, "connections").GetDomAttribute("data-value") == "1" && Frames(b, holderAddress) == 2);
                Assert.Equal(0, Frames(browser, cluster.Address(served)));
            }

            // The owner leaves: its row goes, and the feed shows on the member that took it over.
            await cluster.SignalAsync(owner, "TERM");
            wait.Until(b => b.FindElements(By.CssSelector("#members tbody tr")).Count == 2
                && b.FindElements(By.CssSelector("#members td.feeds")).Count(td => td.Text == ThreeNodeCluster.Feed) == 1);
            var successor = feed.Current?.Node is ['n', var digit] ? digit - '0' : -1;
            Assert.Contains(successor, new[] { served, holder });
            Assert.Equal(ThreeNodeCluster.Feed, Cell(browser, cluster.Address(successor), "feeds").Text);
            wait.Until(b => Cell(b, cluster.Address(successor), "sources").Text.Contains("vendor: connected", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is WebDriverException or XunitException)
        {
            throw new XunitException($"{e.Message}\nThe page showed:\n{Text(browser)}\n{cluster.Output}", e);
        }
    }

    private static IWebElement Cell(IWebDriver browser, string member, string cell) =>
        browser.FindElement(By.CssSelector($"#members tr[data-member='{member}'] td.{cell}"));

    private static long? Frames(IWebDriver browser, string member) =>
        long.TryParse(Cell(browser, member, "frames").GetDomAttribute("data-value"), out var frames) ? frames : null;

    private static string Text(IWebDriver browser)
    {
        try
        {
            return browser.FindElement(By.TagName("body")).Text;
        }
        catch (WebDriverException e)
        {
            return $"(not readable: {e.Message})";
        }
    }
}
