using System.CommandLine;
using ActorNet.Configuration;
using ActorNet.Host.Hosting;
using ActorNet.Host.Logging;
using ActorNet.Hosting;
using ActorNet.Http.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ActorNet.Host.Commands;

/// <summary><c>actornet run [--config FILE]</c>: runs until SIGTERM / Ctrl-C, then drains and exits 0.</summary>
public static class RunCommand
{
    public static Option<FileInfo?> ConfigOption() =>
        new("--config", "-c") { Description = "HOCON file overlaid on the embedded defaults" };

    public static Command Create()
    {
        var config = ConfigOption();
        var logLevel = LogLevelOption.Create();
        var command = new Command("run", "Run ActorNet (the default command)");
        command.Options.Add(config);
        command.Options.Add(logLevel);
        command.SetAction((result, token) => RunAsync(result.GetValue(config), token, result.GetValue(logLevel)));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo? configFile, CancellationToken token, string? logLevel = null)
    {
        ActorNetSettings settings;
        try
        {
            settings = LogLevelOption.Apply(ActorNetSettings.Create(ConfigLoader.Load(configFile)), logLevel);
        }
        catch (InvalidConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        Log.Logger = HostLogger.Create(settings.Log);

        using var reloadSignal = new ReloadSignal(configFile);
        try
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddSerilog();
            builder.Services.AddSystemdNotification();
            // The host must wait for the drain it triggers: give it the configured bound plus a margin to exit.
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
            builder.Services.AddActorNetOtlp(settings.Otlp, settings.Cluster.Node); // before AddAkka: listening before ActorNet starts
            var http = settings.Http.Enabled ? builder.Services.AddActorNetHttp(settings.Http) : null;
            builder.Services.AddAkka("actornet", akka =>
            {
                akka.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = HostLogger.AkkaLevel(settings.Log);
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                });
                akka.WithActorNet(settings, options =>
                {
                    if (http is not null) options.OnStarted(http.Attach);
                    reloadSignal.Configure(options);
                });
            });
            using var host = builder.Build();
            // RunAsync without its dispose: the actor system is asked below how it ended.
            await host.StartAsync(token);
            await host.WaitForShutdownAsync(token);
            // A cluster node that was downed exits non-zero, so that its supervisor starts it again.
            return ActorNet.Cluster.ClusterExit.CodeOf(host.Services.GetRequiredService<Akka.Actor.ActorSystem>());
        }
        catch (InvalidConfigurationException e)
        {
            Log.Fatal("{Error}", e.Message);
            return 1;
        }
        catch (Exception e)
        {
            Log.Fatal(e, "ActorNet stopped on an unexpected error");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
