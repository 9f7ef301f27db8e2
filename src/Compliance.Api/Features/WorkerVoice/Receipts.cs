using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// Receipts (DNH-9): 20 random decimal digits (log2(10^20) ≈ 66.4 bits), typable on a phone keypad and readable
/// over a phone line, shown once in groups of 4. Stored only as HMAC-SHA256 under <c>WorkerVoice:ReceiptKey</c>.
/// </summary>
public sealed class Receipts(WorkerVoiceKeys keys)
{
    public const int Digits = 20;

    public static string New()
    {
        Span<char> digits = stackalloc char[Digits];
        for (var i = 0; i < Digits; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new string(digits);
    }

    /// <summary>"1234 5678 ..." for display.</summary>
    public static string Grouped(string receipt) =>
        string.Join(' ', Enumerable.Range(0, receipt.Length / 4).Select(i => receipt.Substring(i * 4, 4)));

    /// <summary>Digits only (spaces and dashes dropped), or null when the input cannot be a receipt.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > 64)
        {
            return null;
        }

        var digits = new string(input.Where(c => c is not (' ' or '-' or '\t')).ToArray());
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public byte[] Hash(string normalizedReceipt) => HMACSHA256.HashData(keys.ReceiptKey, Encoding.ASCII.GetBytes(normalizedReceipt));
}

/// <summary>
/// Limits wrong receipt guesses, in memory only (DNH-2 allows an address in memory for rate limiting). The
/// client address is held only as an HMAC under a per-process random key, and a global budget caps guessing
/// spread over many addresses. Nothing here is logged or persisted.
/// </summary>
public sealed class ReceiptGuessLimiter(TimeProvider clock, IConfiguration configuration)
{
    private const string Everyone = "*";
    private readonly byte[] _processKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly int _perClient = configuration.GetValue("WorkerVoice:ReceiptFailuresPerClient", 10);
    private readonly int _global = configuration.GetValue("WorkerVoice:ReceiptFailuresGlobal", 1000);
    private readonly TimeSpan _window = TimeSpan.FromMinutes(configuration.GetValue("WorkerVoice:ReceiptFailureWindowMinutes", 15));

    public bool IsBlocked(HttpContext http) => Count(ClientKey(http)) >= _perClient || Count(Everyone) >= _global;

    public void RecordFailure(HttpContext http)
    {
        Record(ClientKey(http));
        Record(Everyone);
        if (_failures.Count > 50_000)
        {
            foreach (var key in _failures.Keys)
            {
                if (Count(key) == 0)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    private string ClientKey(HttpContext http) =>
        Convert.ToBase64String(HMACSHA256.HashData(_processKey, Encoding.UTF8.GetBytes(http.Connection.RemoteIpAddress?.ToString() ?? "none")));

    private int Count(string key)
    {
        if (!_failures.TryGetValue(key, out var queue))
        {
            return 0;
        }

        var cutoff = clock.GetUtcNow() - _window;
        lock (queue)
        {
            while (queue.Count > 0 && queue.Peek() <= cutoff)
            {
                queue.Dequeue();
            }

            return queue.Count;
        }
    }

    private void Record(string key)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            queue.Enqueue(clock.GetUtcNow());
        }
    }
}
