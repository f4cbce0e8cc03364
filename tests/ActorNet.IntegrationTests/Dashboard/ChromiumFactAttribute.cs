using Xunit;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>
/// A test that drives Debian's headless Chromium through ChromeDriver: skipped, saying what is missing, where
/// <c>/usr/bin/chromium</c> or <c>/usr/bin/chromedriver</c> is absent (<c>.ci/run</c> installs both when it can).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Browser = "/usr/bin/chromium";
    public const string DriverDirectory = "/usr/bin";
    public const string DriverName = "chromedriver";

    public ChromiumFactAttribute()
    {
        var missing = new[] { Browser, Path.Combine(DriverDirectory, DriverName) }.Where(p => !File.Exists(p)).ToArray();
        if (missing.Length > 0)
            Skip = $"{string.Join(" and ", missing)} not found: install Debian's chromium and chromium-driver packages to run the browser test";
    }
}
