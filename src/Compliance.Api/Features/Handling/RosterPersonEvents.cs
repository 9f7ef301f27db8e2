using Compliance.Api.Features.People;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;

namespace Compliance.Api.Features.Handling;

/// <summary>
/// Puts the changes to an office's people on the testimony access roster: an account created, disabled or given two
/// factors changes who can read. A tenant's own people read no testimony, so their changes are not roster entries.
/// A change made from the tenant side (an internal office's first admin) carries that tenant; an office's own change is
/// office-wide, and each linked tenant sees it.
/// </summary>
public sealed class RosterPersonEvents(ComplianceDbContext db, TenantContext scope, TestimonyRoster roster) : IPersonEvents
{
    public Task CreatedAsync(Person person, CancellationToken ct) => AppendAsync(person, RosterChanges.AccountCreated, ct);

    public Task DisabledAsync(Person person, CancellationToken ct) => AppendAsync(person, RosterChanges.AccountDisabled, ct);

    public Task TwoFactorEnabledAsync(Person person, CancellationToken ct) => AppendAsync(person, RosterChanges.AccountTwoFactor, ct);

    private async Task AppendAsync(Person person, string change, CancellationToken ct)
    {
        if (person.OfficeId is not Guid office)
        {
            return;
        }

        if (scope.OfficeId is null && scope.TenantId is null)
        {
            scope.SetForOffice(tenantId: null, office, person.Id, apiKeyId: null, person.Role);
        }

        // The request's unit of work when there is one (office members' endpoints); else a scoped transaction of its own
        // (the console's enrolment page), since a lone insert outside a transaction would carry no scope.
        await using var transaction = await JoinedTransaction.JoinOrBeginAsync(db, ct);
        var fromTenant = scope.OfficeId is null;
        roster.Append(office, fromTenant ? scope.TenantId : null, change, person.DisplayName, fromTenant ? RosterActors.Tenant : RosterActors.Office);
        await db.SaveChangesAsync(ct);
        await transaction.CommitIfOwnedAsync(ct);
    }
}
