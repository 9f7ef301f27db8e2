using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Compliance.Api.Infrastructure.Http;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// Events per client key in a sliding window, in memory only (DNH-2 allows an address in memory for rate limiting;
/// the keys are HMACs of it, see <see cref="ClientAddresses"/>). Nothing here is logged or persisted.
/// </summary>
internal sealed class ClientWindow(TimeProvider clock, TimeSpan window)
{
    private const int PruneAbove = 50_000;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _events = new(StringComparer.Ordinal);

    /// <summary>How many client keys are held (the memory the window costs); pruning keeps it bounded.</summary>
    public int KeyCount => _events.Count;

    public int Count(string key)
    {
        if (!_events.TryGetValue(key, out var queue))
        {
            return 0;
        }

        lock (queue)
        {
            return Trim(queue);
        }
    }

    public void Record(string key)
    {
        var queue = _events.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            queue.Enqueue(clock.GetUtcNow());
        }

        Prune();
    }

    /// <summary>Records an event unless the key already has <paramref name="limit"/> in the window; atomic per key.</summary>
    public bool TryRecord(string key, int limit)
    {
        var queue = _events.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        bool recorded;
        lock (queue)
        {
            recorded = Trim(queue) < limit;
            if (recorded)
            {
                queue.Enqueue(clock.GetUtcNow());
            }
        }

        Prune();
        return recorded;
    }

    private int Trim(Queue<DateTimeOffset> queue)
    {
        var cutoff = clock.GetUtcNow() - window;
        while (queue.Count > 0 && queue.Peek() <= cutoff)
        {
            queue.Dequeue();
        }

        return queue.Count;
    }

    private void Prune()
    {
        if (_events.Count <= PruneAbove)
        {
            return;
        }

        foreach (var key in _events.Keys)
        {
            if (Count(key) == 0)
            {
                _events.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>
/// Limits wrong receipt guesses per client (an IPv4 address or an IPv6 /64, from the forwarded headers of
/// configured proxies only). There is deliberately no global limit: one would let anyone lock every worker out of
/// their case by guessing badly on purpose. A flood of failures across all clients instead raises a warning (with
/// no receipt and no address in it) and the <c>worker_voice.receipt_failures</c> metric, for a person to look at;
/// a client that has not been guessing is never refused. A guesser spread over many addresses (a botnet, many
/// IPv6 /64s) is slowed only by the 66-bit receipt space, not by this limiter.
/// </summary>
public sealed class ReceiptGuessLimiter
{
    public const string MeterName = "Compliance.WorkerVoice";

    private const string Everyone = "*";
    private readonly ClientWindow _perClient;
    private readonly ClientWindow _everyone;
    private readonly int _perClientLimit;
    private readonly int _floodThreshold;
    private readonly TimeSpan _window;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReceiptGuessLimiter> _logger;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _floods;
    private readonly Lock _warnLock = new();
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    public ReceiptGuessLimiter(TimeProvider clock, IConfiguration configuration, IMeterFactory meters, ILogger<ReceiptGuessLimiter> logger)
    {
        _clock = clock;
        _logger = logger;
        _perClientLimit = configuration.GetValue("WorkerVoice:ReceiptFailuresPerClient", 10);
        _floodThreshold = configuration.GetValue("WorkerVoice:ReceiptFailuresGlobal", 1000);
        _window = TimeSpan.FromMinutes(configuration.GetValue("WorkerVoice:ReceiptFailureWindowMinutes", 15));
        _perClient = new ClientWindow(clock, _window);
        _everyone = new ClientWindow(clock, _window);
        var meter = meters.Create(MeterName);
        _failures = meter.CreateCounter<long>("worker_voice.receipt_failures", description: "Wrong receipts entered on the worker path.");
        _floods = meter.CreateCounter<long>("worker_voice.receipt_failure_floods", description: "Windows in which wrong receipts across all clients passed the flood threshold.");
    }

    public bool IsBlocked(HttpContext http) => _perClient.Count(ClientAddresses.Key(http)) >= _perClientLimit;

    public void RecordFailure(HttpContext http)
    {
        _perClient.Record(ClientAddresses.Key(http));
        _everyone.Record(Everyone);
        _failures.Add(1);
        if (_everyone.Count(Everyone) >= _floodThreshold)
        {
            WarnOfFlood();
        }
    }

    /// <summary>At most one warning per window: the count only, never a receipt or an address.</summary>
    private void WarnOfFlood()
    {
        var now = _clock.GetUtcNow();
        lock (_warnLock)
        {
            if (now - _lastWarning < _window)
            {
                return;
            }

            _lastWarning = now;
        }

        _floods.Add(1);
        _logger.LogWarning(
            "Wrong receipts across all clients reached {Threshold} in {WindowMinutes} minutes; correct receipts are still accepted",
            _floodThreshold,
            _window.TotalMinutes);
    }
}

/// <summary>
/// Limits anonymous filings per client (same client key as <see cref="ReceiptGuessLimiter"/>), by default 5 an
/// hour (<c>WorkerVoice:FilingsPerClientPerHour</c>). It slows one phone or one office connection filing fakes in a
/// loop; it does not stop someone with many addresses, and a crowded hostel behind one address shares the budget.
/// </summary>
public sealed class FilingLimiter(TimeProvider clock, IConfiguration configuration)
{
    private readonly ClientWindow _window = new(clock, TimeSpan.FromHours(1));
    private readonly int _perClient = configuration.GetValue("WorkerVoice:FilingsPerClientPerHour", 5);

    /// <summary>Takes one filing from the client's budget; false (and nothing taken) when it is spent.</summary>
    public bool TryTake(HttpContext http) => _window.TryRecord(ClientAddresses.Key(http), _perClient);
}
