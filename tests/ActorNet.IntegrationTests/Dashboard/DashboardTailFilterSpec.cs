using System.Net.Sockets;
using System.Text;
using ActorNet.Hosting.Reload;
using ActorNet.IntegrationTests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard's live tail of one source, as an operator picks it: the page asks the server for that source alone
/// (<c>/ws/tail?source=NAME</c>), keeps the pick in its address so that the view can be bookmarked, and shows every
/// source again when asked.
/// </summary>
public sealed class DashboardTailFilterSpec
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [ChromiumFact]
    public async Task The_live_tail_shows_only_the_source_picked_and_keeps_the_pick_in_the_page_address()
    {
        using var directory = new TempDirectory();
        var picked = TestConfig.UniqueSourceName("browser-picked");
        var other = TestConfig.UniqueSourceName("browser-other");
        int pickedPort = Loopback.FreePort(), otherPort = Loopback.FreePort();
        string Config(params string[] sources) => $$"""
            actornet {
              http { enabled = on, host = 127.0.0.1, port = 0 }
              sources {
                {{string.Join("\n", sources.Select(name =>
                    $"{name} {{ port = {(name == picked ? pickedPort : otherPort)}, parser = text, sinks = [ live ], quarantine = live }}"))}}
              }
              sinks.live { type = websocket }
            }
            """;
        var reloaded = Config(picked, other);
        await using var host = await DashboardHost.StartAsync(reloaded, reloadWith: () => reloaded);
        var live = host.Service.Status.Sink("live")!;
        using var browser = DashboardBrowserSpec.StartChromium();
        var wait = new WebDriverWait(browser, Within) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        using var pickedPeer = await Loopback.ConnectAsync(pickedPort);
        using var otherPeer = await Loopback.ConnectAsync(otherPort);

        try
        {
            // A bookmarked view: the address names the source.
            browser.Navigate().GoToUrl(host.Http("/?source=" + Uri.EscapeDataString(picked)));
            wait.Until(b => b.FindElement(By.Id("ws-state")).Text == "live tail: connected");
            wait.Until(b => b.FindElement(By.Id("tail-source")).GetDomProperty("value") == picked);
            Assert.Equal(new[] { "", picked, other }.Order(StringComparer.Ordinal),
                browser.FindElements(By.CssSelector("#tail-source option")).Select(o => o.GetDomAttribute("value") ?? "").Order(StringComparer.Ordinal));
            await Eventually.TrueAsync(() => host.Service.LiveTail.SubscriberCount == 1, Within, () => "the page subscribed to the live tail");

            // The other source's line reaches the websocket sink first; had the page's socket taken it, it would be
            // on the page before the picked source's line.
            await SendAsync(otherPeer, "other-1");
            await Eventually.TrueAsync(() => live.FramesWritten == 1, Within, () => $"the other source's line at the websocket sink; {live.FramesWritten}");
            await SendAsync(pickedPeer, "picked-1");
            wait.Until(b => Payloads(b).Count == 1);
            Assert.Equal(["picked-1"], Payloads(browser));
            Assert.Equal("0", browser.FindElement(By.Id("dropped")).GetDomAttribute("data-value"));

            // All sources again: the address forgets the pick and both sources' lines show.
            Pick(browser, "");
            wait.Until(b => !new Uri(b.Url).Query.Contains("source=", StringComparison.Ordinal));
            wait.Until(b => Payloads(b).Count == 0);
            await Eventually.TrueAsync(() => host.Service.LiveTail.SubscriberCount == 1 && host.Service.LiveTail.HasSubscribersFor("live", other),
                Within, () => "the page subscribed to every source");
            await SendAsync(otherPeer, "other-2");
            wait.Until(b => Payloads(b).Count == 1);
            await SendAsync(pickedPeer, "picked-2");
            wait.Until(b => Payloads(b).Count == 2);
            Assert.Equal(["picked-2", "other-2"], Payloads(browser));

            // And back to one source, picked on the page this time.
            Pick(browser, other);
            wait.Until(b => new Uri(b.Url).Query == "?source=" + Uri.EscapeDataString(other));
            await Eventually.TrueAsync(() => !host.Service.LiveTail.HasSubscribersFor("live", picked) && host.Service.LiveTail.HasSubscribersFor("live", other),
                Within, () => "the page subscribed to the other source alone");
            Assert.Empty(Payloads(browser));

            // A reload removes the source on screen: the server would refuse its tail, so the page shows all sources.
            reloaded = Config(picked);
            Assert.Equal(ReloadOutcome.Applied, (await host.Service.ReloadAsync("test")).Outcome);
            wait.Until(b => b.FindElement(By.Id("tail-source")).GetDomProperty("value") == "" && !new Uri(b.Url).Query.Contains("source=", StringComparison.Ordinal));
            Assert.Equal(["", picked], browser.FindElements(By.CssSelector("#tail-source option")).Select(o => o.GetDomAttribute("value") ?? ""));
            await Eventually.TrueAsync(() => host.Service.LiveTail.SubscriberCount == 1 && host.Service.LiveTail.HasSubscribersFor("live", picked),
                Within, () => "the page subscribed to every source again");
        }
        catch (Exception e) when (e is WebDriverException or XunitException)
        {
            throw new XunitException($"{e.Message}\nThe page showed:\n{browser.FindElement(By.TagName("body")).Text}", e);
        }
    }

    // As a user picks: clicking the option selects it and fires the select's change event.
    private static void Pick(IWebDriver browser, string source)
    {
        browser.FindElement(By.Id("tail-source")).Click();
        browser.FindElement(By.CssSelector($"#tail-source option[value='{source}']")).Click();
    }

    private static Task SendAsync(Socket peer, string line) => peer.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), SocketFlags.None);

    private static List<string> Payloads(IWebDriver browser) =>
        browser.FindElements(By.CssSelector("#tail-frames li .payload")).Select(e => e.Text).ToList();
}
