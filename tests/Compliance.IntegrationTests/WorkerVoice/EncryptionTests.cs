using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Crypto;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

public class EncryptionTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private const string Narrative = "Supervisor Tan took my passport on 3 March";

    [Fact]
    public async Task RawColumns_HoldNoPlaintext_AndDecryptingUnderAnotherMasterKeyFails()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: Narrative));
        await factory.Client().PostAsync("/api/v1/intake/follow-up/messages",
            System.Net.Http.Json.JsonContent.Create(new { receipt = filed.Receipt, message = "Message plaintext 42" }));

        var id = await factory.ScalarAsync<Guid>("select id from grievances where case_reference = @r", ("r", filed.CaseReference));
        var ciphertext = await factory.ScalarAsync<byte[]>("select narrative_ciphertext from grievances where id = @id", ("id", id));
        var wrapped = await factory.ScalarAsync<byte[]>("select wrapped_key from grievances where id = @id", ("id", id));
        var message = await factory.ScalarAsync<byte[]>("select ciphertext from grievance_messages where grievance_id = @id", ("id", id));
        foreach (var raw in new[] { ciphertext, message })
        {
            var asText = Encoding.UTF8.GetString(raw);
            Assert.DoesNotContain("passport", asText, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("plaintext", asText, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievances where narrative_ciphertext::text ilike '%' || encode(convert_to('passport', 'UTF8'), 'hex') || '%'"));

        await using var scope = factory.CreateScope();
        var crypto = scope.ServiceProvider.GetRequiredService<TestimonyCrypto>();
        Assert.Equal(Narrative, TestimonyCrypto.Open(crypto.Unwrap(wrapped, id), ciphertext, id));

        var other = new TestimonyCrypto(new WorkerVoiceKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)));
        Assert.ThrowsAny<CryptographicException>(() => other.Unwrap(wrapped, id));
        Assert.ThrowsAny<CryptographicException>(() => TestimonyCrypto.Open(RandomNumberGenerator.GetBytes(32), ciphertext, id));
        // Ciphertext is bound to its row: moved to another grievance id it does not open.
        Assert.ThrowsAny<CryptographicException>(() => crypto.Unwrap(wrapped, Guid.NewGuid()));
    }

    [Fact]
    public async Task Dnh5_TestimonyReader_GivesTestimonyOnlyForAConsentedDestination_AndLogsASystemRead()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: Narrative, consent: new Dictionary<string, bool> { ["ngo"] = true }));
        var id = await factory.ScalarAsync<Guid>("select id from grievances where case_reference = @r", ("r", filed.CaseReference));

        await using var scope = factory.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Compliance.Api.Infrastructure.Database.ComplianceDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenant.TenantId, CancellationToken.None);
        var reader = scope.ServiceProvider.GetRequiredService<TestimonyReader>();

        Assert.Null(await reader.ReadForDestinationAsync(id, "police", CancellationToken.None));
        Assert.Null(await reader.ReadForDestinationAsync(id, "immigration", CancellationToken.None));
        var testimony = await reader.ReadForDestinationAsync(id, "ngo", CancellationToken.None);
        await tx.CommitAsync();

        Assert.Equal(Narrative, testimony!.Narrative);
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from narrative_access_log where grievance_id = @id and api_key_id is null", ("id", id)));
    }

    [Fact]
    public async Task Dnh5_WithdrawnConsent_StopsTestimonyReachingThatDestination()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(consent: new Dictionary<string, bool> { ["labour-authority"] = true }));
        await factory.Client().PostAsync("/api/v1/intake/follow-up/consent",
            System.Net.Http.Json.JsonContent.Create(new { receipt = filed.Receipt, consent = new Dictionary<string, bool> { ["labour-authority"] = false } }));
        var id = await factory.ScalarAsync<Guid>("select id from grievances where case_reference = @r", ("r", filed.CaseReference));

        await using var scope = factory.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Compliance.Api.Infrastructure.Database.ComplianceDbContext>();
        db.Tenant.Set(tenant.TenantId);
        Assert.Null(await scope.ServiceProvider.GetRequiredService<TestimonyReader>().ReadForDestinationAsync(id, "labour-authority", CancellationToken.None));
    }
}
