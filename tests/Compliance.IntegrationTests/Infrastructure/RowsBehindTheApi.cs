using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>
/// The one place tests write rows behind the API, for what the API cannot make on demand (a grievance received last
/// month: intake stamps "now"). Every value is one the API itself could have written: categories, languages and
/// statuses from the Domain's vocabularies (an unknown code throws here, as the API answers 400), indicators, the
/// critical flag and the clocks derived from the categories exactly as intake derives them, assessments stamped with
/// the real <see cref="RiskModel.Version"/> and a level that matches their score, signing secrets sealed by the app.
/// </summary>
public static class RowsBehindTheApi
{
    /// <summary>
    /// <paramref name="count"/> grievances at <paramref name="siteId"/> received at <paramref name="receivedAt"/>,
    /// acknowledged at <paramref name="acknowledgedAt"/> when given; returns how many were written.
    /// </summary>
    public static async Task<long> GrievancesAsync(
        this TestTenant tenant,
        Guid siteId,
        Guid supplierId,
        int count,
        string referencePrefix,
        DateTimeOffset receivedAt,
        IReadOnlyList<string> categories,
        DateTimeOffset? acknowledgedAt = null,
        string language = "en")
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(categories);
        if (categories.Count == 0 || !categories.All(GrievanceCategories.IsValid))
        {
            throw new ArgumentException($"The API refuses categories [{string.Join(", ", categories)}]; valid: {string.Join(", ", GrievanceCategories.All)}.", nameof(categories));
        }

        if (!Languages.IsSupported(language))
        {
            throw new ArgumentException($"The API refuses language '{language}'.", nameof(language));
        }

        var critical = GrievanceCategories.AnyCritical(categories);
        return await tenant.Factory.ScalarAsync<long>(
            """
            with g as (
              insert into grievances (id, tenant_id, site_id, supplier_id, case_reference, receipt_hash, language, categories, indicators, critical, status,
                                      received_at, acknowledge_by, acknowledged_at, feedback_by)
              select gen_random_uuid(), @t, @site, @s, @prefix || '-' || @site || '-' || i, decode(md5(@prefix || @site::text || i), 'hex'), @language,
                     @categories, @indicators, @critical, @status, @received, @acknowledgeBy, @acknowledged, @feedbackBy
              from generate_series(1, @count) i
              returning 1)
            select count(*) from g
            """,
            ("t", tenant.TenantId),
            ("site", siteId),
            ("s", supplierId),
            ("prefix", referencePrefix),
            ("language", language),
            ("categories", categories.ToArray()),
            ("indicators", GrievanceCategories.IndicatorsFor(categories).ToArray()),
            ("critical", critical),
            ("status", acknowledgedAt is null ? GrievanceStatuses.Received : GrievanceStatuses.Acknowledged),
            ("received", receivedAt),
            ("acknowledgeBy", GrievanceClocks.AcknowledgeBy(receivedAt, critical)),
            ("acknowledged", acknowledgedAt is { } at ? at : DBNull.Value),
            ("feedbackBy", GrievanceClocks.FeedbackBy(receivedAt, acknowledgedAt)),
            ("count", count));
    }

    /// <summary>
    /// An assessment of <paramref name="siteId"/> as the current model would stamp it (its version, the level its
    /// score falls in), with an escalation of it to a new <c>ngo</c> destination whose secret is sealed as the API
    /// seals it. The destination is written here because its example host does not resolve where tests run.
    /// </summary>
    public static async Task AssessmentWithEscalationAsync(this TestTenant tenant, Guid siteId, Guid supplierId, int score, DateTimeOffset assessedAt)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var level = RiskLevels.Code(RiskLevels.FromScore(score));
        var destinationId = Guid.CreateVersion7();
        await using var scope = tenant.Factory.CreateScope();
        var secret = scope.ServiceProvider.GetRequiredService<SigningSecretProtector>().Seal("secret-not-in-feed-0123456789abcdef", destinationId);
        await tenant.Factory.ScalarAsync<int>(
            """
            with a as (
              insert into risk_assessments (id, tenant_id, site_id, supplier_id, period, score, level, model_version, points_total, floor, evidence, discrepancies, sources, assessed_at)
              values (gen_random_uuid(), @t, @site, @s, @period, @score, @level, @model, @score, 'none', '[]', '[]', '[]', @at)
              returning id),
            d as (
              insert into escalation_destinations (id, tenant_id, name, kind, jurisdiction, url, signing_secret, minimum_level, active, created_at, updated_at)
              values (@destination, @t, 'NGO ' || @site, @kind, 'MY', 'https://ngo.example/hook', @secret, 'high', true, @at, @at)
              returning id),
            e as (
              insert into escalations (id, tenant_id, subject_kind, site_id, supplier_id, destination_id, assessment_id, period, level, model_version, body, status, created_at)
              select gen_random_uuid(), @t, 'site', @site, @s, d.id, a.id, @period, @level, @model, '{}', 'pending', @at from a, d
              returning id)
            select count(*)::int from e
            """,
            ("t", tenant.TenantId),
            ("site", siteId),
            ("s", supplierId),
            ("period", assessedAt.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)),
            ("score", score),
            ("level", level),
            ("model", RiskModel.Version),
            ("at", assessedAt),
            ("destination", destinationId),
            ("kind", DestinationKinds.Ngo),
            ("secret", secret));
    }
}
