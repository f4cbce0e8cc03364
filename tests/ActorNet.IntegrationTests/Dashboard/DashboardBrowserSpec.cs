using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>The dashboard in headless Chromium, as an operator uses it, against the real operations server.</summary>
public sealed class DashboardBrowserSpec
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [ChromiumFact]
    public async Task The_dashboard_shows_frames_sent_over_tcp_in_its_live_tail_and_its_counters_move()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("browser");
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(source, port, directory, token: DashboardHost.Token));
        using var browser = StartChromium();
        var wait = new WebDriverWait(browser, Within) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));

        try
        {
            browser.Navigate().GoToUrl(host.Http("/"));

            // The API answers 401 without the token: the page asks for it, keeps it for the session and goes live.
            wait.Until(b => b.FindElement(By.Id("token-form")).Displayed);
            browser.FindElement(By.Id("token-input")).SendKeys(DashboardHost.Token);
            browser.FindElement(By.Id("token-submit")).Click();
            wait.Until(b => b.FindElement(By.Id("ws-state")).Text == "live tail: connected");
            wait.Until(b => SourceCell(b, source, "state").Text == "listening");
            // Both sinks of the configuration, each with its type and state as /api/sinks reports them.
            wait.Until(b => SinkCell(b, "file", "state").Text == "writing" && SinkCell(b, "live", "state").Text == "writing");
            Assert.Equal("jsonl", SinkCell(browser, "file", "type").Text);
            Assert.Equal("websocket", SinkCell(browser, "live", "type").Text);
            Assert.Equal("0", SinkCell(browser, "file", "backlog").GetDomAttribute("data-value"));
            Assert.Equal("0", SinkCell(browser, "file", "spool-bytes").GetDomAttribute("data-value"));
            Assert.Equal("", SinkCell(browser, "file", "last-error").Text);
            Assert.False(browser.FindElement(By.Id("token-form")).Displayed);
            await Eventually.TrueAsync(() => host.Service.LiveTail.SubscriberCount == 1, Within, () => "the page subscribed to the live tail");

            using var peer = await Loopback.ConnectAsync(port);
            await peer.SendAsync("hello-browser-1\nhello-browser-2\nhello-browser-3\n"u8.ToArray(), SocketFlags.None);

            wait.Until(b => Payloads(b, "tail-frames").Count == 3);
            Assert.Equal(["hello-browser-3", "hello-browser-2", "hello-browser-1"], Payloads(browser, "tail-frames"));
            wait.Until(b => SourceCell(b, source, "frames").GetDomAttribute("data-value") == "3");
            wait.Until(b => SinkCell(b, "file", "written").GetDomAttribute("data-value") == "3");
            wait.Until(b => SourceCell(b, source, "connections").Text == "1");
            var connection = wait.Until(b => b.FindElement(By.CssSelector("#connections tbody tr")));
            Assert.Equal(peer.PeerName(), connection.FindElement(By.CssSelector("td.peer")).Text);

            await peer.SendAsync((byte[])[0xFF, 0xFE, (byte)'\n'], SocketFlags.None);

            var quarantined = wait.Until(b => b.FindElement(By.CssSelector("#tail-quarantined li")));
            Assert.Equal("invalid-utf8", quarantined.FindElement(By.CssSelector(".reason")).Text);
            Assert.Equal($"{source} #{connection.FindElement(By.CssSelector("td.id")).Text}:4", quarantined.FindElement(By.CssSelector(".where")).Text);
            wait.Until(b => SourceCell(b, source, "quarantined").GetDomAttribute("data-value") == "1");
            Assert.Equal(3, Payloads(browser, "tail-frames").Count);
            Assert.Equal("0", browser.FindElement(By.Id("dropped")).GetDomAttribute("data-value"));

            // Close, as an operator would: ActorNet closes the peer and the row leaves the table.
            connection.FindElement(By.CssSelector("button.close")).Click();
            await peer.AwaitClosedByServerAsync(Within);
            wait.Until(b => b.FindElements(By.CssSelector("#connections tbody tr")).Count == 0);
        }
        catch (Exception e) when (e is WebDriverException or XunitException)
        {
            throw new XunitException($"{e.Message}\nThe page showed:\n{Describe(browser)}", e);
        }
    }

    [ChromiumFact]
    public async Task The_sinks_table_shows_a_sink_that_cannot_open_its_file_as_failing_with_its_backlog_spool_and_last_error()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("browser-sinks");
        var port = Loopback.FreePort();
        // "broken" is told to append to a directory: it cannot open it, retries, and spools what it is given meanwhile.
        await using var host = await DashboardHost.StartAsync($$"""
            actornet {
              http { enabled = on, host = 127.0.0.1, port = 0 }
              sources.{{source}} {
                port = {{port}}
                parser = text
                sinks = [ file, broken ]
                quarantine = file
              }
              sinks {
                file { type = jsonl, path = "{{directory.File("frames.jsonl")}}", flush-interval = 50ms }
                broken { type = jsonl, path = "{{directory.Path}}", spool-dir = "{{directory.File("spool")}}" }
              }
            }
            """);
        using var browser = StartChromium();
        var wait = new WebDriverWait(browser, Within) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));

        try
        {
            browser.Navigate().GoToUrl(host.Http("/"));
            wait.Until(b => SinkCell(b, "broken", "state").Text == "failing");
            Assert.Contains("cannot open", SinkCell(browser, "broken", "last-error").Text);
            Assert.Equal("failing", SinkCell(browser, "broken", "state").GetDomAttribute("data-state"));
            wait.Until(b => SinkCell(b, "file", "state").Text == "writing");
            Assert.Equal("", SinkCell(browser, "file", "last-error").Text);

            using var peer = await Loopback.ConnectAsync(port);
            await peer.SendAsync("kept-1\nkept-2\n"u8.ToArray(), SocketFlags.None);

            wait.Until(b => SinkCell(b, "file", "written").GetDomAttribute("data-value") == "2");
            wait.Until(b => SinkCell(b, "broken", "backlog").GetDomAttribute("data-value") == "2");
            wait.Until(b => long.Parse(SinkCell(b, "broken", "spool-bytes").GetDomAttribute("data-value") ?? "0") > 0);
            Assert.Equal(host.Service.Status.Sink("broken")!.SpoolBytes.ToString(), SinkCell(browser, "broken", "spool-bytes").GetDomAttribute("data-value"));
            Assert.Equal("0", SinkCell(browser, "broken", "written").GetDomAttribute("data-value"));
        }
        catch (Exception e) when (e is WebDriverException or XunitException)
        {
            throw new XunitException($"{e.Message}\nThe page showed:\n{Describe(browser)}", e);
        }
    }

    internal static ChromeDriver StartChromium()
    {
        var service = ChromeDriverService.CreateDefaultService(ChromiumFactAttribute.DriverDirectory, ChromiumFactAttribute.DriverName);
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.Browser };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start; /dev/shm may be tiny in containers.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1200");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static IWebElement SourceCell(IWebDriver browser, string source, string cell) =>
        browser.FindElement(By.CssSelector($"#sources tr[data-source='{source}'] td.{cell}"));

    private static IWebElement SinkCell(IWebDriver browser, string sink, string cell) =>
        browser.FindElement(By.CssSelector($"#sinks tr[data-sink='{sink}'] td.{cell}"));

    private static List<string> Payloads(IWebDriver browser, string list) =>
        browser.FindElements(By.CssSelector($"#{list} li .payload")).Select(e => e.Text).ToList();

    private static string Describe(IWebDriver browser)
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
