using System.Net.Http.Json;
using Compliance.Api.Features.WorkerVoice;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

public class ClockAndRetentionTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Clocks_AcknowledgeIn7DaysOr24HoursWhenCritical_FeedbackIn3MonthsOfAcknowledgement()
    {
        var tenant = await factory.CreateTenantAsync();
        var handler = await tenant.ClientAsync("case-handler");
        var now = factory.Clock.GetUtcNow();
        var normal = await handler.GrievanceIdAsync((await tenant.FileGrievanceAsync()).CaseReference);
        var critical = await handler.GrievanceIdAsync((await tenant.FileGrievanceAsync(Intake(categories: ["hurt-or-threatened"]))).CaseReference);

        var n = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{normal}"));
        Assert.Equal(now.AddDays(7), n.GetProperty("case").GetProperty("acknowledgeBy").GetDateTimeOffset());
        Assert.Equal(now.AddDays(7).AddMonths(3), n.GetProperty("case").GetProperty("feedbackBy").GetDateTimeOffset());
        var c = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{critical}"));
        Assert.Equal(now.AddHours(24), c.GetProperty("case").GetProperty("acknowledgeBy").GetDateTimeOffset());

        factory.Clock.Advance(TimeSpan.FromDays(2));
        var acknowledged = await Http.JsonAsync(await handler.MoveAsync(normal, "acknowledged"));
        Assert.Equal(factory.Clock.GetUtcNow().AddMonths(3), acknowledged.GetProperty("feedbackBy").GetDateTimeOffset());
        Assert.False(acknowledged.GetProperty("acknowledgeOverdue").GetBoolean());

        var overdue = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?overdue=true"));
        var item = Assert.Single(overdue.GetProperty("items").EnumerateArray());
        Assert.Equal(critical, item.GetProperty("id").GetGuid());
        Assert.True(item.GetProperty("acknowledgeOverdue").GetBoolean());
    }

    [Fact]
    public async Task ClockJob_FlagsOverdueCases_AndSilenceNeverClosesACase()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        await using (var scope = factory.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<GrievanceClockJob>().RunForTenantAsync(tenant.TenantId, CancellationToken.None);
        }

        Assert.False(await factory.ScalarAsync<bool>("select acknowledge_overdue from grievances where id = @id", ("id", id)));

        factory.Clock.Advance(TimeSpan.FromDays(200));
        await using (var scope = factory.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<GrievanceClockJob>().RunAsync(CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<GrievanceRetentionJob>().RunAsync(CancellationToken.None);
        }

        Assert.True(await factory.ScalarAsync<bool>("select acknowledge_overdue from grievances where id = @id", ("id", id)));
        Assert.True(await factory.ScalarAsync<bool>("select feedback_overdue from grievances where id = @id", ("id", id)));
        Assert.Equal("received", await factory.ScalarAsync<string>("select status from grievances where id = @id", ("id", id)));
        Assert.Equal("received", (await factory.FollowUpAsync(filed.Receipt)).GetProperty("status").GetString());
    }

    /// <summary>
    /// The retention setting: 365 days until the owner sets it; 30 and 3650 are the bounds, each kept; a second PUT
    /// changes the one row rather than adding another; 29 and 3651 are 400 naming the field. Named mutations: drop the
    /// <c>settings is null</c> branch's negation in <c>WorkerVoiceSettingsApi.PutAsync</c> (a second row, and the next
    /// read fails); the default from <c>WorkerVoiceSettings.DefaultRetentionDays</c> replaced.
    /// </summary>
    [Fact]
    public async Task RetentionSetting_DefaultsTo365_KeepsItsBounds_AndIsOneRowPerTenant()
    {
        var tenant = await factory.CreateTenantAsync();
        const string url = "/api/v1/worker-voice/settings";
        Assert.Equal(365, (await Http.JsonAsync(await tenant.Owner.GetAsync(url))).GetProperty("retentionDays").GetInt32());

        foreach (var days in new[] { 30, 3650 })
        {
            Assert.Equal(days, (await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync(url, new { retentionDays = days }))).GetProperty("retentionDays").GetInt32());
            Assert.Equal(days, (await Http.JsonAsync(await tenant.Owner.GetAsync(url))).GetProperty("retentionDays").GetInt32());
        }

        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from worker_voice_settings where tenant_id = @t", ("t", tenant.TenantId)));
        foreach (var days in new[] { 29, 3651 })
        {
            await Http.AssertValidationProblemAsync(await tenant.Owner.PutAsJsonAsync(url, new { retentionDays = days }), "retentionDays");
        }

        await Http.AssertValidationProblemAsync(await tenant.Owner.PutAsJsonAsync(url, new { }), "retentionDays");
        Assert.Equal(3650, (await Http.JsonAsync(await tenant.Owner.GetAsync(url))).GetProperty("retentionDays").GetInt32());
    }

    [Fact]
    public async Task Dnh13_RetentionJob_DeletesTestimonyOfCasesClosedLongerThanTheTenantsPeriod_AndKeepsCounts()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PutAsJsonAsync("/api/v1/worker-voice/settings", new { retentionDays = 30 }), 200);
        await Http.AssertValidationProblemAsync(await tenant.Owner.PutAsJsonAsync("/api/v1/worker-voice/settings", new { retentionDays = 1 }), "retentionDays");
        var handler = await tenant.ClientAsync("case-handler");
        var closedCase = await tenant.FileGrievanceAsync();
        var openCase = await tenant.FileGrievanceAsync();
        var closedId = await handler.GrievanceIdAsync(closedCase.CaseReference);
        var openId = await handler.GrievanceIdAsync(openCase.CaseReference);
        // The messages exist before retention (checked, so "gone afterwards" cannot pass because they never were written).
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = closedCase.Receipt, message = "more" }), 200);
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{closedId}/replies", new { template = "acknowledged" }), 201);
        Assert.Equal(2L, await factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = @id", ("id", closedId)));
        await Http.EnsureStatusAsync(await handler.MoveAsync(closedId, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(closedId, "closed"), 200);

        factory.Clock.Advance(TimeSpan.FromDays(29));
        await RetentionAsync(tenant.TenantId);
        Assert.NotNull(await factory.ScalarAsync<object>("select narrative_ciphertext from grievances where id = @id", ("id", closedId)) as byte[]);

        factory.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await RetentionAsync(tenant.TenantId));
        Assert.Equal(0, await RetentionAsync(tenant.TenantId));

        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievances where id = @id and (narrative_ciphertext is not null or wrapped_key is not null)", ("id", closedId)));
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = @id", ("id", closedId)));
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from grievances where id = @id and categories = '{documents-held}'", ("id", closedId)));
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from grievances where id = @id and narrative_ciphertext is not null", ("id", openId)));
        var detail = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{closedId}"));
        Assert.True(detail.GetProperty("case").GetProperty("testimonyDeleted").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, detail.GetProperty("narrative").ValueKind);
    }

    private async Task<int> RetentionAsync(Guid tenantId)
    {
        await using var scope = factory.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<GrievanceRetentionJob>().RunForTenantAsync(tenantId, CancellationToken.None);
    }
}
