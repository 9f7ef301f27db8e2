using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Recruitment;

/// <summary>
/// A migrant worker as the employer records them. <see cref="SupplierId"/> is copied from the site so RLS and the
/// OData feed narrow without joins. The employee reference stays inside the tenant's employer-side roles, and
/// nothing links a worker to a grievance.
/// </summary>
[SupplierScoped]
public sealed class Worker : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SupplierId { get; set; }

    public Guid SiteId { get; set; }

    public required string EmployeeRef { get; set; }

    public required string Nationality { get; set; }

    public required string Gender { get; set; }

    public int BirthYear { get; set; }

    public required string PreferredLanguage { get; set; }

    public required string Channel { get; set; }

    public Guid? AgencyId { get; set; }

    public bool SubAgentUsed { get; set; }

    public required string RecruitedInCountry { get; set; }

    public DateOnly HiredOn { get; set; }

    public DateOnly? ArrivedOn { get; set; }

    public DateOnly? WorkPermitExpiresOn { get; set; }

    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Applies a validated request; the supplier comes from the site, never from the caller.</summary>
    /// <summary>A new worker from a validated request at <paramref name="site"/> (the JSON endpoint and the CSV import).</summary>
    public static Worker Create(WorkerRequest request, Site site, DateTimeOffset now)
    {
        var worker = new Worker
        {
            Id = Guid.CreateVersion7(),
            EmployeeRef = string.Empty,
            Nationality = string.Empty,
            Gender = string.Empty,
            PreferredLanguage = string.Empty,
            Channel = string.Empty,
            RecruitedInCountry = string.Empty,
            Status = string.Empty,
            TenantId = site.TenantId,
            CreatedAt = now,
        };
        worker.Apply(request, site, now);
        return worker;
    }

    public void Apply(WorkerRequest request, Site site, DateTimeOffset now)
    {
        var r = request.Recruitment!;
        SiteId = site.Id;
        SupplierId = site.SupplierId;
        EmployeeRef = request.EmployeeRef!.Trim();
        Nationality = request.Nationality!;
        Gender = request.Gender!;
        BirthYear = request.BirthYear!.Value;
        PreferredLanguage = request.PreferredLanguage!;
        Channel = r.Channel!;
        AgencyId = r.AgencyId;
        SubAgentUsed = r.SubAgentUsed!.Value;
        RecruitedInCountry = r.RecruitedInCountry!;
        HiredOn = r.HiredOn!.Value;
        ArrivedOn = r.ArrivedOn;
        WorkPermitExpiresOn = request.WorkPermitExpiresOn;
        Status = request.Status ?? WorkerStatus.Active;
        UpdatedAt = now;
    }
}

internal sealed class WorkerConfiguration : IEntityTypeConfiguration<Worker>
{
    public void Configure(EntityTypeBuilder<Worker> builder) => builder.ToTable("workers");
}

public static class WorkerStatus
{
    public const string Active = "active";
    public const string Left = "left";
    public static readonly IReadOnlyList<string> All = [Active, Left];
}

public static class Genders
{
    public static readonly IReadOnlyList<string> All = ["female", "male", "another", "undisclosed"];
}

public static class Channels
{
    public const string Direct = "direct";
    public const string Agency = "agency";
    public static readonly IReadOnlyList<string> All = [Direct, Agency];
}

public sealed record RecruitmentRequest(
    string? Channel, Guid? AgencyId, bool? SubAgentUsed, string? RecruitedInCountry, DateOnly? HiredOn, DateOnly? ArrivedOn);

/// <summary>A worker as written through the API or one row of the CSV import (same validation for both).</summary>
public sealed record WorkerRequest(
    Guid? SiteId, string? EmployeeRef, string? Nationality, string? Gender, int? BirthYear, string? PreferredLanguage,
    RecruitmentRequest? Recruitment, DateOnly? WorkPermitExpiresOn, string? Status) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("siteId", SiteId);
        v.Required("employeeRef", EmployeeRef, 100);
        v.Country("nationality", Nationality);
        v.OneOf("gender", Gender, Genders.All);
        v.Range("birthYear", BirthYear, 1900, 2100);
        if (v.Required("preferredLanguage", PreferredLanguage, 35))
        {
            v.Check(Languages.IsBcp47(PreferredLanguage), "preferredLanguage", "Must be a BCP-47 language tag (e.g. ne or ne-NP).");
        }

        v.OneOf("status", Status, WorkerStatus.All, required: false);
        if (!v.Required("recruitment", Recruitment))
        {
            return;
        }

        var r = Recruitment!;
        if (v.OneOf("recruitment.channel", r.Channel, Channels.All))
        {
            v.Check((r.Channel == Channels.Agency) == (r.AgencyId is not null), "recruitment.agencyId", "Required when the channel is agency, and only then.");
        }

        v.Required("recruitment.subAgentUsed", r.SubAgentUsed);
        v.Country("recruitment.recruitedInCountry", r.RecruitedInCountry);
        if (v.Required("recruitment.hiredOn", r.HiredOn))
        {
            v.Check(BirthYear is null || BirthYear <= r.HiredOn!.Value.Year, "birthYear", "Must not be after the year of hiredOn.");
            v.Check(r.ArrivedOn is null || r.ArrivedOn >= r.HiredOn!.Value.AddYears(-2), "recruitment.arrivedOn", "Must not be more than 2 years before hiredOn.");
        }
    }
}

/// <summary>
/// A row that belongs to one worker. Carries the worker's tenant, supplier and site, denormalised, so RLS and
/// the OData feed can narrow it without joins.
/// </summary>
public abstract class WorkerRecord : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SupplierId { get; set; }

    public Guid SiteId { get; set; }

    public Guid WorkerId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>Stamps a new record for <paramref name="worker"/>.</summary>
    public T For<T>(Worker worker, DateTimeOffset now)
        where T : WorkerRecord
    {
        Id = Guid.CreateVersion7();
        SupplierId = worker.SupplierId;
        SiteId = worker.SiteId;
        WorkerId = worker.Id;
        RecordedAt = now;
        return (T)this;
    }
}

/// <summary>Amounts: positive and no finer than the currency's minor units (ISO 4217).</summary>
public static class Money
{
    public static void Validate(Validator v, string amountField, decimal? amount, string currencyField, string? currency)
    {
        var currencyOk = v.Currency(currencyField, currency);
        if (amount is null)
        {
            v.Add(amountField, "Required.");
            return;
        }

        if (v.Check(amount > 0 && amount < 1_000_000_000_000m, amountField, "Must be more than 0 and less than 10^12.") && currencyOk)
        {
            v.Check(Currencies.FitsMinorUnits(currency!, amount.Value), amountField, $"Has more decimals than {currency} allows ({Currencies.MinorUnitsOf(currency!)}).");
        }
    }
}
