using System.Reflection;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Logging;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Shared.UptimeKuma;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// The run-once host every worker's <c>Program.cs</c> calls. It is not a <c>BackgroundService</c>: on .NET 10 a
/// faulted BackgroundService still lets the process exit 0 (dotnet/runtime#67146), which a CronJob would record as
/// success. Here the job's result is the exit code.
/// </summary>
public static class WorkerHost
{
    /// <summary>
    /// Parses the command line, builds the configuration (environment variables, an optional JSON file, secret
    /// files), lets <paramref name="configureServices"/> register the job and its options, validates them, runs the
    /// job once or on <c>--schedule</c>, and returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, WorkerDefinition worker, Action<HostApplicationBuilder> configureServices)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(configureServices);
        WorkerCommandLine commandLine;
        HostApplicationBuilder builder;
        try
        {
            commandLine = WorkerCommandLine.Parse(args);
            if (commandLine.Help || commandLine.Version)
            {
                await Console.Out.WriteLineAsync(commandLine.Help ? HelpText(worker) : $"{worker.Name} {Version()}");
                return ExitCodes.Success;
            }

            builder = CreateBuilder(worker, commandLine);
            configureServices(builder);
        }
        catch (WorkerConfigurationException e)
        {
            return await ConfigurationInvalidAsync(worker, e);
        }

        using var host = builder.Build();
        try
        {
            // Starting the host runs ValidateOnStart for every options class: a bad key exits here, before any I/O.
            await host.StartAsync();
        }
        catch (Exception e) when (ConfigurationErrors.Describe(e) is not null)
        {
            return await ConfigurationInvalidAsync(worker, e);
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"{worker.Name}: failed to start: {e}");
            return ExitCodes.Failure;
        }

        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var runner = host.Services.GetRequiredService<WorkerJobRunner>();
        var code = commandLine.Check ? await host.Services.GetRequiredService<WorkerCheckRunner>().RunAsync(stopping)
            : commandLine.Schedule is null ? await runner.RunOnceAsync(stopping)
            : await runner.RunOnScheduleAsync(commandLine.Schedule, commandLine.TimeZone, stopping);
        await host.StopAsync(CancellationToken.None);
        return code;
    }

    private static HostApplicationBuilder CreateBuilder(WorkerDefinition worker, WorkerCommandLine commandLine)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = worker.Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (commandLine.ConfigFile is not null)
        {
            ConfigurationFile.RequireRegular("--config", commandLine.ConfigFile);
            try
            {
                builder.Configuration.AddJsonFile(Path.GetFullPath(commandLine.ConfigFile), optional: false, reloadOnChange: false);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new WorkerConfigurationException($"--config: '{commandLine.ConfigFile}' cannot be read: {e.Message}");
            }
            catch (InvalidDataException e)
            {
                // Microsoft.Extensions.Configuration.Json 10 loads at once: InvalidDataException, then FormatException,
                // then System.Text.Json's JsonException with the 0-based line and its own words.
                var cause = e.GetBaseException();
                var line = cause is System.Text.Json.JsonException { LineNumber: { } number } ? $" at line {number + 1}" : "";
                var words = cause.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].Trim();
                throw new WorkerConfigurationException($"--config: '{commandLine.ConfigFile}' is not valid JSON{line}: {words}");
            }
        }

        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(SecretFiles.Read(builder.Configuration));

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // HttpClient's own logging writes request URLs, and a push URL can carry a token: keep it quiet.
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // The host's own "Hosting failed to start" would repeat, with a stack trace, what RunAsync reports in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // What AddConsoleFormatter<TFormatter, TOptions> registers, without binding ConsoleFormatterOptions by reflection
        // (RequiresDynamicCode): the formatter reads no options.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, WorkerConsoleFormatter>());
        var formatter = builder.Configuration["Logging:Console:FormatterName"];
        builder.Logging.AddConsole(o =>
        {
            o.FormatterName = string.IsNullOrEmpty(formatter) ? WorkerConsoleFormatter.FormatterName : formatter;
            // Standard output is for what a command prints (profile --json, list); the log goes to standard error.
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });

        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(commandLine);
        builder.Services.AddSingleton(worker);
        builder.Services.AddSingleton<WorkerJobRunner>();
        builder.Services.AddSingleton<WorkerCheckRunner>();
        // Every worker ends its runs the same way: push and heartbeat where configured.
        builder.Services.AddPushgateway();
        builder.Services.AddUptimeKuma();
        builder.Services.AddScoped<RunReporter>();
        return builder;
    }

    private static async Task<int> ConfigurationInvalidAsync(WorkerDefinition worker, Exception e)
    {
        await Console.Error.WriteLineAsync($"{worker.Name}: configuration invalid: {ConfigurationErrors.Describe(e)}");
        return ExitCodes.ConfigurationInvalid;
    }

    private static string Version() =>
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static string HelpText(WorkerDefinition worker)
    {
        var keys = string.Join('\n', worker.AllSections.Select(section => Wrap(section.Keys())));
        return $"""
            {worker.Name} {Version()}: {worker.Summary}

            Usage: {worker.Name} [options]
            {WorkerCommandLine.Usage}

            Configuration (environment variables, with their defaults; a key ending in Password, ApiKey, Token, PushUrl or
            Secret may instead name a file: <Key>File):
            {keys}

            {worker.Details}
            """;
    }

    // One options class a paragraph, its keys joined and wrapped at 118 columns.
    private static string Wrap(IEnumerable<string> keys)
    {
        var lines = new List<string>();
        var line = "  ";
        foreach (var key in keys)
        {
            var next = line.Length <= 4 ? line + key : $"{line}, {key}";
            if (next.Length > 118 && line.Length > 4)
            {
                lines.Add(line + ",");
                next = "    " + key;
            }

            line = next;
        }

        lines.Add(line);
        return string.Join('\n', lines);
    }
}
