using Cronos;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Testing;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Shared.UptimeKuma;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailserverWorkers.Shared.Tests.Hosting;

public sealed class WorkerJobRunnerTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger<WorkerJobRunner> logger = new();

    private sealed class ScriptedJob(Func<CancellationToken, Task<int>> run) : IWorkerJob
    {
        public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken) => new(await run(cancellationToken), "scripted");
    }

    private WorkerJobRunner RunnerFor(Func<CancellationToken, Task<int>> run)
    {
        // As the host wires it, with neither a Pushgateway nor Uptime Kuma configured.
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new WorkerDefinition("scripted", "a test", "", "scripted", "scripted", []))
            .AddPushgateway()
            .AddUptimeKuma()
            .AddScoped<RunReporter>()
            .AddScoped<IWorkerJob>(_ => new ScriptedJob(run))
            .BuildServiceProvider();
        return new WorkerJobRunner(services.GetRequiredService<IServiceScopeFactory>(), time, logger);
    }

    public static TheoryData<Exception, int> Failures => new()
    {
        { new InvalidOperationException("boom"), ExitCodes.Failure },
        { new WorkerConfigurationException("Smtp__Host: required"), ExitCodes.ConfigurationInvalid },
        { new OptionsValidationException("x", typeof(object), ["Imap__Port: out of range"]), ExitCodes.ConfigurationInvalid },
        { new OperationCanceledException(), ExitCodes.Failure },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task RunOnce_MapsWhatTheJobThrows_ToAnExitCode(Exception thrown, int expected)
    {
        var code = await RunnerFor(_ => throw thrown).RunOnceAsync(CancellationToken.None);

        Assert.Equal(expected, code);
        Assert.Single(logger.Inner.Lines(LogLevel.Error));
    }

    [Fact]
    public async Task RunOnce_ReturnsTheJobsOwnCode()
    {
        Assert.Equal(3, await RunnerFor(_ => Task.FromResult(3)).RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunOnce_ReturnsCancelled_WhenStoppedBySignal()
    {
        using var cts = new CancellationTokenSource();
        var code = await RunnerFor(async ct =>
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return 0;
        }).RunOnceAsync(cts.Token);

        Assert.Equal(ExitCodes.Cancelled, code);
    }

    [Fact]
    public async Task RunOnSchedule_RunsAtEachOccurrence_KeepsGoingAfterAFailure_AndStopsCleanly()
    {
        var runs = new List<DateTimeOffset>();
        using var cts = new CancellationTokenSource();
        var runner = RunnerFor(_ =>
        {
            runs.Add(time.GetUtcNow());
            return Task.FromResult(runs.Count == 1 ? ExitCodes.Failure : ExitCodes.Success);
        });

        var loop = runner.RunOnScheduleAsync(CronExpression.Parse("*/5 * * * *"), TimeZoneInfo.Utc, cts.Token);
        for (var i = 1; i <= 3; i++)
        {
            await WaitForPendingTimerAsync(i);
            time.Advance(TimeSpan.FromMinutes(5));
        }

        await WaitForAsync(() => runs.Count == 3);
        await cts.CancelAsync();

        Assert.Equal(ExitCodes.Success, await loop);
        Assert.Equal(
            [time.Start.AddMinutes(5), time.Start.AddMinutes(10), time.Start.AddMinutes(15)],
            runs);
        Assert.Contains("Run finished with exit code 1", logger.Inner.Lines(LogLevel.Information));
    }

    [Fact]
    public async Task RunOnSchedule_Stops_WhenARunFindsTheConfigurationInvalid()
    {
        var runner = RunnerFor(_ => throw new WorkerConfigurationException("Tls__CaFile: unreadable"));

        var loop = runner.RunOnScheduleAsync(CronExpression.Parse("* * * * *"), TimeZoneInfo.Utc, CancellationToken.None);
        await WaitForPendingTimerAsync(1);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(ExitCodes.ConfigurationInvalid, await loop.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private async Task WaitForPendingTimerAsync(int waits)
    {
        // The loop logs "Next run at" right before it starts waiting on the fake clock.
        await WaitForAsync(() => logger.Inner.Lines(LogLevel.Information).Count(l => l.StartsWith("Next run at", StringComparison.Ordinal)) >= waits);
        await Task.Delay(50);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
