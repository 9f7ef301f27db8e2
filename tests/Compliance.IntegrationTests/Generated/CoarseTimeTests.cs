using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// DNH-3, generated: everything grievances cause (filing, a handler's read, acknowledgement, a reply, a referral) happens
/// at odd instants (13:37:21.123 and so on) while everything the employer does happens on the hour. Then every GET
/// endpoint of <c>/api/v1</c> and every OData set, alone and grouped with <c>$apply</c>, is read by every employer-side
/// role and the auditor that may read it, and no answer may date a grievance event finer than a day: no time of day of
/// one of those instants (to the minute), and no id that encodes one (a UUIDv7 whose timestamp falls within a minute of
/// one, or was made while the grievance events ran, since UUIDv7 reads the machine's clock). Mutation that fails it
/// (tried): in <c>WorkerIntake.FileAsync</c>, give the grievance <c>Guid.CreateVersion7()</c> again. Others: in <c>NarrativeAccessLogApi</c>, return <c>readAt</c> as the stored timestamp again, or
/// in <c>TestimonyReader.LogRead</c> go back to <c>Guid.CreateVersion7()</c>.
/// </summary>
public partial class CoarseTimeTests(EscalationApiFactory factory, ITestOutputHelper output) : IClassFixture<EscalationApiFactory>
{
    private static readonly string[] EmployerSide = [Roles.Owner, Roles.Compliance, Roles.Supplier, Roles.Auditor];

    [Fact]
    public async Task Dnh3_NoEmployerSideOrAuditorAnswer_DatesAGrievanceEventFinerThanADay()
    {
        // Employer-side set-up, on the hour.
        var tenant = await factory.CreateTenantAsync();
        var (siteId, intakeCode, supplierId) = await tenant.CreateSiteAsync();
        var workerId = await tenant.CreateWorkerAsync(siteId);
        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var destination = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "NGO MY",
            kind = "ngo",
            jurisdiction = "MY",
            url = factory.Destination.Url + path,
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "high",
            active = true,
        }));
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var role in Roles.All)
        {
            clients[role] = factory.Client(await tenant.KeyAsync(role, role == Roles.Supplier ? supplierId : null));
        }

        // Grievance events, at odd instants.
        var site = (siteId, intakeCode, supplierId);
        var events = new List<DateTimeOffset>();
        void At(TimeSpan by)
        {
            factory.Clock.Advance(by);
            events.Add(factory.Clock.GetUtcNow());
        }

        // UUIDv7 takes the machine's clock, not the app's: ids made while grievance events ran fall in these windows.
        var windows = new List<(DateTimeOffset From, DateTimeOffset To)>();
        // (The re-score below is the employer's own act: its assessment ids may carry its time.)
        // UUIDv7 keeps milliseconds and the window allows 1 ms either side: let the keys made just above fall clear of it.
        await Task.Delay(TimeSpan.FromMilliseconds(5));
        var windowStart = DateTimeOffset.UtcNow;

        At(new TimeSpan(0, 4, 37, 21, 123));
        var critical = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["hurt-or-threatened"]), site);
        for (var i = 0; i < 6; i++)
        {
            await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["pay-deducted"]), site);
        }

        var handler = clients[Roles.CaseHandler];
        At(new TimeSpan(0, 1, 3, 56, 456));
        var ids = (await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"))).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        var criticalId = await handler.GrievanceIdAsync(critical.CaseReference);
        var ordinary = ids.First(id => id != criticalId);
        await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{ordinary}"));
        At(new TimeSpan(0, 0, 30, 12, 789));
        await Http.EnsureStatusAsync(await handler.MoveAsync(ordinary, "acknowledged"), 200);
        At(new TimeSpan(0, 0, 53, 34, 210));
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{ordinary}/replies", new { template = "acknowledged" }), 201);
        windows.Add((windowStart, DateTimeOffset.UtcNow));

        // Two days on (the critical case now past its 24-hour clock), on the hour again: the employer re-scores.
        factory.Clock.Advance(TimeSpan.FromDays(2) - new TimeSpan(0, 7, 5, 4, 578));
        Assert.Equal(0, factory.Clock.GetUtcNow().Minute);
        await Http.EnsureStatusAsync(await clients[Roles.Compliance].PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        Assert.Contains(factory.Received(path), e => e.RequestMessage.Body!.Contains("grievance/v1", StringComparison.Ordinal));

        var ids2 = new Dictionary<string, Guid>(StringComparer.Ordinal)
        {
            ["sites"] = siteId,
            ["suppliers"] = supplierId,
            ["workers"] = workerId,
            ["escalation-destinations"] = destination,
            ["escalations"] = (await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/escalations"))).GetProperty("items")[0].GetProperty("id").GetGuid(),
        };
        var urls = new List<(string Role, string Url)>();
        foreach (var endpoint in (await Endpoints.ListAsync(factory.Services)).Where(e => e.Method == "GET" && !e.Anonymous && e.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            var url = Parameter().Replace(endpoint.Pattern, m => ids2.TryGetValue(m.Groups["segment"].Value, out var id) ? $"/{m.Groups["segment"].Value}/{id}" : m.Value);
            if (url.Contains('{', StringComparison.Ordinal))
            {
                continue; // ids of records that carry no grievance data (audits, fees, declarations…)
            }

            urls.AddRange(EmployerSide.Where(endpoint.Allowed!.Contains).Select(role => (role, url)));
        }

        foreach (var set in Compliance.Api.Features.Reporting.ReportingSets.Build().Sets)
        {
            foreach (var role in new[] { Roles.Owner, Roles.Compliance, Roles.Auditor })
            {
                urls.Add((role, $"/odata/{set.Name}?$top=100"));
            }
        }

        urls.Add((Roles.Auditor, "/odata/NarrativeAccessLog?$apply=groupby((ReadAt),aggregate($count as N))"));
        urls.Add((Roles.Auditor, "/odata/GrievanceStatistics?$apply=groupby((Month),aggregate(Count with sum as N))"));
        urls.Add((Roles.Owner, "/api/v1/grievance-statistics?groupBy=indicator"));
        urls.Add((Roles.Owner, "/api/v1/grievance-statistics?groupBy=month"));

        var leaks = new List<string>();
        var read = 0;
        foreach (var (role, url) in urls.Distinct())
        {
            using var response = await clients[role].GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            read++;
            foreach (var instant in events)
            {
                foreach (var form in new[] { instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), instant.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) })
                {
                    if (body.Contains(form, StringComparison.Ordinal))
                    {
                        leaks.Add($"{role} GET {url}: the time of a grievance event ({form})");
                    }
                }
            }

            foreach (Match guid in Guids().Matches(body))
            {
                if (Version7Time(guid.Value) is { } at && (events.Any(e => Math.Abs((e - at).TotalSeconds) < 60) || windows.Any(w => at >= w.From.AddMilliseconds(-1) && at <= w.To.AddMilliseconds(1))))
                {
                    leaks.Add($"{role} GET {url}: id {guid.Value} encodes the time of a grievance event ({at:O})");
                }
            }
        }

        output.WriteLine($"coarse time: {read} reads ({urls.Select(u => u.Url).Distinct().Count()} URLs) by owner, compliance, supplier and auditor after {events.Count} grievance events");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct()));
    }

    /// <summary>The creation time a UUIDv7 carries (its first 48 bits, in milliseconds), or null for any other version.</summary>
    private static DateTimeOffset? Version7Time(string guid)
    {
        var hex = guid.Replace("-", string.Empty, StringComparison.Ordinal);
        return hex[12] == '7' ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(hex[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture)) : null;
    }

    [GeneratedRegex(@"/(?<segment>[a-z-]+)/\{[^}]+\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guids();
}
