using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// The intake writes its rows without the change tracker (issue #20: two round trips, <see cref="ModelInserts"/>):
/// what it writes must be what the model says, whole, under the tenant, all or nothing.
/// </summary>
public class IntakeWriteTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private const string Narrative = "They keep my passport in the office.";

    [Fact]
    public async Task FiledGrievance_ReadBackThroughTheModel_HasEveryValueIntakeSets_AndItsConsentHistoryInOfferOrder()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(
            language: "ne",
            categories: ["too-many-hours", "documents-held", "cannot-leave"],
            narrative: Narrative,
            consent: new Dictionary<string, bool> { ["police"] = true, ["ngo"] = true, ["buyer"] = false }));
        var now = factory.Clock.GetUtcNow();

        await using var scope = factory.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenant.TenantId, CancellationToken.None);
        var g = await db.Set<Grievance>().SingleAsync(x => x.CaseReference == filed.CaseReference);
        var events = await db.Set<ConsentEvent>().Where(e => e.GrievanceId == g.Id).OrderBy(e => e.Seq).ToListAsync();

        Assert.Equal((tenant.TenantId, filed.SiteId, filed.SupplierId), (g.TenantId, g.SiteId, g.SupplierId));
        Assert.Equal("ne", g.Language);
        Assert.Equal(GrievanceCategories.All.Where(new[] { "too-many-hours", "documents-held", "cannot-leave" }.Contains), g.Categories);
        Assert.Equal(GrievanceCategories.IndicatorsFor(g.Categories), g.Indicators);
        Assert.Equal(GrievanceCategories.AnyCritical(g.Categories), g.Critical);
        Assert.Equal(g.Critical ? Severities.Critical : null, g.Severity);
        Assert.Equal((GrievanceStatuses.Received, ReportChannels.Api, now), (g.Status, g.Channel, g.ReceivedAt));
        Assert.Equal(GrievanceClocks.AcknowledgeBy(now, g.Critical), g.AcknowledgeBy);
        Assert.Equal(GrievanceClocks.FeedbackBy(now, null), g.FeedbackBy);
        Assert.False(g.HeldForReview);
        Assert.False(g.PromisedIndependent); // no office reads this tenant's reports: the page promised nothing
        Assert.Equal(
            DestinationKinds.All.ToDictionary(k => k, k => k is DestinationKinds.Ngo or DestinationKinds.Police),
            g.Consent());
        Assert.Equal(scope.ServiceProvider.GetRequiredService<Receipts>().Hash(Receipts.Normalize(filed.Receipt)!), g.ReceiptHash);
        var crypto = scope.ServiceProvider.GetRequiredService<TestimonyCrypto>();
        Assert.Equal(Narrative, TestimonyCrypto.Open(crypto.Unwrap(g.WrappedKey!, g.Id), g.NarrativeCiphertext!, g.Id));

        Assert.Equal(DestinationKinds.All, events.Select(e => e.Kind));
        Assert.Equal(DestinationKinds.All.Select(k => g.Consent()[k]), events.Select(e => e.Given));
        Assert.All(events, e => Assert.Equal((tenant.TenantId, DateOnly.FromDateTime(now.UtcDateTime)), (e.TenantId, e.OnDay)));
    }

    [Theory]
    [InlineData("grievances", typeof(Grievance))]
    [InlineData("grievance_consent_events", typeof(ConsentEvent))]
    public async Task ModelInsert_NamesEveryColumnOfTheTable_ButThoseTheDatabaseNumbers(string table, Type entity)
    {
        var columns = new List<string>();
        await using (var connection = new NpgsqlConnection(factory.OwnerConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "select column_name from information_schema.columns where table_schema = 'public' and table_name = @t and is_identity = 'NO' order by column_name",
                connection);
            cmd.Parameters.AddWithValue("t", table);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }

        await using var scope = factory.CreateScope();
        var inserts = scope.ServiceProvider.GetRequiredService<ModelInserts>();
        var tenantId = Guid.NewGuid();
        var command = entity == typeof(Grievance)
            ? inserts.Command(tenantId, new Grievance { CaseReference = "WV-X", ReceiptHash = [1], Language = "en", Status = GrievanceStatuses.Received })
            : inserts.Command(tenantId, new ConsentEvent { Kind = "ngo" });
        var named = command.CommandText[(command.CommandText.IndexOf('(', StringComparison.Ordinal) + 1)..command.CommandText.IndexOf(')', StringComparison.Ordinal)]
            .Split(", ").Select(c => c.Trim('"')).Order(StringComparer.Ordinal);

        Assert.NotEmpty(columns);
        Assert.Equal(columns.Order(StringComparer.Ordinal), named);
        Assert.Equal(columns.Count, command.Parameters.Count);
    }

    [Fact]
    public async Task ModelInsert_RefusesARowOfAnotherTenant_AndABatchThatFails_WritesNoneOfItsRows()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        await using var scope = factory.CreateScope();
        var inserts = scope.ServiceProvider.GetRequiredService<ModelInserts>();
        var other = new ConsentEvent { TenantId = Guid.NewGuid(), Kind = "ngo" };
        Assert.Throws<InvalidOperationException>(() => inserts.Command(tenant.TenantId, other));

        // The grievance is valid; the statement after it fails: the batch is one implicit transaction, so nothing stays.
        var grievance = new Grievance
        {
            Id = Guid.NewGuid(),
            SiteId = site.Id,
            SupplierId = site.SupplierId,
            CaseReference = "WV-ATOMIC1",
            ReceiptHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            Language = "en",
            Categories = ["documents-held"],
            Indicators = [.. GrievanceCategories.IndicatorsFor(["documents-held"])],
            Status = GrievanceStatuses.Received,
            ReceivedAt = factory.Clock.GetUtcNow(),
            AcknowledgeBy = factory.Clock.GetUtcNow(),
            FeedbackBy = factory.Clock.GetUtcNow(),
        };
        await using var connection = await scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { TenantSql.BatchCommand(tenant.TenantId, supplierId: null) } };
        batch.BatchCommands.Add(inserts.Command(tenant.TenantId, grievance));
        batch.BatchCommands.Add(inserts.Command(tenant.TenantId, [new ConsentEvent { Id = Guid.NewGuid(), GrievanceId = Guid.NewGuid(), Kind = "ngo" }]));
        await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync()); // the event names no grievance
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievances where id = @id", ("id", grievance.Id)));

        // Under the scope of another tenant, RLS refuses the row stamped with this one.
        await using var wrong = new NpgsqlBatch(connection) { BatchCommands = { TenantSql.BatchCommand(Guid.NewGuid(), supplierId: null) } };
        wrong.BatchCommands.Add(inserts.Command(tenant.TenantId, grievance));
        await Assert.ThrowsAsync<PostgresException>(() => wrong.ExecuteNonQueryAsync());
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievances where id = @id", ("id", grievance.Id)));
    }
}
