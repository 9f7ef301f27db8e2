using System.Diagnostics.Metrics;
using System.Net;
using Compliance.Api.Features.WorkerVoice;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compliance.UnitTests.WorkerVoice;

public sealed class ClientLimitsTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ManualClock _clock = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CapturingLogger _log = new();

    public void Dispose() => _services.Dispose();

    private static DefaultHttpContext Client(string address)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return http;
    }

    private ReceiptGuessLimiter Limiter(int perClient = 10, int global = 1000, int windowMinutes = 15) =>
        new(
            _clock,
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WorkerVoice:ReceiptFailuresPerClient"] = perClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["WorkerVoice:ReceiptFailuresGlobal"] = global.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["WorkerVoice:ReceiptFailureWindowMinutes"] = windowMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }).Build(),
            _services.GetRequiredService<IMeterFactory>(),
            _log);

    [Fact]
    public void Window_AnEventExactlyOneWindowOld_HasExpired()
    {
        var window = new ClientWindow(_clock, Window);
        window.Record("a");

        _clock.Advance(Window - TimeSpan.FromTicks(1));
        Assert.Equal(1, window.Count("a"));

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(0, window.Count("a"));
    }

    [Fact]
    public void TryRecord_TakesUpToTheLimit_ThenRefusesWithoutRecording_UntilTheWindowMoves()
    {
        var window = new ClientWindow(_clock, Window);

        Assert.True(window.TryRecord("a", 2));
        Assert.True(window.TryRecord("a", 2));
        Assert.False(window.TryRecord("a", 2));
        Assert.Equal(2, window.Count("a"));
        Assert.Equal(0, window.Count("b"));

        _clock.Advance(Window);
        Assert.True(window.TryRecord("a", 2));
    }

    [Fact]
    public void Prune_AboveFiftyThousandKeys_DropsOnlyKeysWithNothingInTheWindow()
    {
        var window = new ClientWindow(_clock, Window);
        for (var i = 0; i < 50_000; i++)
        {
            window.Record($"old-{i}");
        }

        _clock.Advance(Window);
        window.Record("fresh");

        // 50,001 keys: above the bound, so the record that crossed it pruned every expired key and kept the live one.
        Assert.Equal(1, window.KeyCount);
        Assert.Equal(1, window.Count("fresh"));
    }

    [Fact]
    public void Prune_AtExactlyFiftyThousandKeys_KeepsThemAll()
    {
        var window = new ClientWindow(_clock, Window);
        for (var i = 0; i < 49_999; i++)
        {
            window.Record($"old-{i}");
        }

        _clock.Advance(Window);
        Assert.True(window.TryRecord("fresh", 1));

        Assert.Equal(50_000, window.KeyCount);
    }

    [Fact]
    public void Prune_ThroughTryRecord_AlsoBoundsTheKeys()
    {
        var window = new ClientWindow(_clock, Window);
        for (var i = 0; i < 50_000; i++)
        {
            Assert.True(window.TryRecord($"old-{i}", 1));
        }

        _clock.Advance(Window);
        Assert.True(window.TryRecord("fresh", 1));

        Assert.Equal(1, window.KeyCount);
    }

    [Fact]
    public void ReceiptGuesses_BlockAClientAtItsConfiguredLimit_AndNoOtherClient()
    {
        var limiter = Limiter(perClient: 3);
        var guesser = Client("203.0.113.7");
        var neighbour = Client("203.0.113.8");

        limiter.RecordFailure(guesser);
        limiter.RecordFailure(guesser);
        Assert.False(limiter.IsBlocked(guesser));
        limiter.RecordFailure(guesser);

        Assert.True(limiter.IsBlocked(guesser));
        Assert.False(limiter.IsBlocked(neighbour));

        _clock.Advance(Window);
        Assert.False(limiter.IsBlocked(guesser));
    }

    [Fact]
    public void ReceiptGuesses_TheConfiguredWindow_IsTheOneThatExpires()
    {
        var limiter = Limiter(perClient: 1, windowMinutes: 2);
        var guesser = Client("203.0.113.7");
        limiter.RecordFailure(guesser);

        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.False(limiter.IsBlocked(guesser));
    }

    [Fact]
    public void Flood_WarnsOnceAtTheGlobalThreshold_WithNoAddress_AndCountsIt()
    {
        var floods = 0L;
        var failures = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReceiptGuessLimiter.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "worker_voice.receipt_failure_floods")
            {
                floods += value;
            }
            else if (instrument.Name == "worker_voice.receipt_failures")
            {
                failures += value;
            }
        });
        listener.Start();
        var limiter = Limiter(global: 3);

        limiter.RecordFailure(Client("198.51.100.1"));
        limiter.RecordFailure(Client("198.51.100.2"));
        Assert.Empty(_log.Warnings);
        limiter.RecordFailure(Client("198.51.100.3"));
        limiter.RecordFailure(Client("198.51.100.4"));

        var warning = Assert.Single(_log.Warnings);
        Assert.Contains("3", warning);
        Assert.DoesNotContain("198.51.100", warning);
        Assert.Equal(1, floods);
        Assert.Equal(4, failures);
    }

    [Fact]
    public void Flood_WarnsAgainExactlyOneWindowAfterTheLastWarning_NotBefore()
    {
        var limiter = Limiter(global: 1);
        limiter.RecordFailure(Client("198.51.100.1"));
        Assert.Single(_log.Warnings);

        _clock.Advance(Window - TimeSpan.FromTicks(1));
        limiter.RecordFailure(Client("198.51.100.2"));
        Assert.Single(_log.Warnings);

        _clock.Advance(TimeSpan.FromTicks(1));
        limiter.RecordFailure(Client("198.51.100.3"));
        Assert.Equal(2, _log.Warnings.Count);
    }

    [Fact]
    public void Filings_FivePerClientPerHourByDefault_ThenRefused_OtherClientsUnaffected()
    {
        var limiter = new FilingLimiter(_clock, new ConfigurationBuilder().Build());
        var phone = Client("192.0.2.10");

        for (var i = 0; i < 5; i++)
        {
            Assert.True(limiter.TryTake(phone));
        }

        Assert.False(limiter.TryTake(phone));
        Assert.True(limiter.TryTake(Client("192.0.2.11")));

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.TryTake(phone));
    }

    [Fact]
    public void Filings_TheConfiguredBudget_IsTheOneApplied()
    {
        var limiter = new FilingLimiter(_clock, new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["WorkerVoice:FilingsPerClientPerHour"] = "1" }).Build());
        var phone = Client("192.0.2.10");

        Assert.True(limiter.TryTake(phone));
        Assert.False(limiter.TryTake(phone));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class CapturingLogger : ILogger<ReceiptGuessLimiter>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
