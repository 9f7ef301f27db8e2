using System.Net.Http.Json;
using Compliance.Api.Features.WorkerVoice;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, hole 9 (DNH-13): no testimony outlives retention, whenever it was written.</summary>
public class RetentionTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["en"] = "new report",
        ["ms"] = "laporan baharu",
        ["id"] = "laporan baru",
        ["ne"] = "नयाँ उजुरी",
        ["bn"] = "নতুন অভিযোগ",
        ["my"] = "တိုင်ကြားချက်အသစ်",
        ["km"] = "របាយការណ៍ថ្មី",
        ["vi"] = "báo cáo mới",
    };

    private async Task<int> RetentionAsync(Guid tenantId)
    {
        await using var scope = factory.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<GrievanceRetentionJob>().RunForTenantAsync(tenantId, CancellationToken.None);
    }

    [Fact]
    public async Task Hole09_ACaseWhoseTestimonyIsGone_RefusesNewMessagesInTheWorkersLanguage_AndRetentionDeletesLateMessages()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PutAsJsonAsync("/api/v1/worker-voice/settings", new { retentionDays = 30 }), 200);
        var handler = await tenant.ClientAsync("case-handler");
        var cases = new List<(string Language, WorkerVoiceHelpers.Filed Filed, Guid Id)>();
        foreach (var language in Scripts.Keys)
        {
            var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(language: language));
            var id = await handler.GrievanceIdAsync(filed.CaseReference);
            await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
            await Http.EnsureStatusAsync(await handler.MoveAsync(id, "closed"), 200);
            cases.Add((language, filed, id));
        }

        factory.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(Scripts.Count, await RetentionAsync(tenant.TenantId));

        foreach (var (language, filed, id) in cases)
        {
            var refused = await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "They did it again." });
            var problem = await Http.JsonAsync(refused, 409);
            Assert.Contains(Scripts[language], problem.GetProperty("title").GetString(), StringComparison.Ordinal);

            var page = await factory.Client().PostAsync($"/v/follow-up/messages?lang={language}", new FormUrlEncodedContent([new("receipt", filed.Receipt), new("message", "Again.")]));
            Assert.Contains(Scripts[language], System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);

            await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "Reply after deletion" }), 409);
        }

        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = any(@ids)", ("ids", cases.Select(c => c.Id).ToArray())));

        // A message written after the deletion by an earlier version (which started a new data key for it) goes too.
        var late = cases[0].Id;
        await factory.ScalarAsync<object>(
            "insert into grievance_messages (id, tenant_id, grievance_id, author, ciphertext, sent_at) values (gen_random_uuid(), @t, @g, 'worker', '\\x00'::bytea, now()) returning id",
            ("t", tenant.TenantId), ("g", late));
        await factory.ScalarAsync<object>("update grievances set wrapped_key = '\\x00'::bytea where id = @g returning id", ("g", late));
        Assert.Equal(0, await RetentionAsync(tenant.TenantId));
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = @g", ("g", late)));
    }
}
