using Compliance.Api.Features.Handling;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// One change in who can read testimony (issue #18), as the feed carries it: the day (never the time), the office,
/// what changed and whom it concerns (a display or key name, never an email or a secret).
/// </summary>
public sealed class TestimonyAccessRosterRow
{
    public Guid Id { get; set; }

    public long Seq { get; set; }

    public Guid OfficeId { get; set; }

    public required string OfficeName { get; set; }

    public DateOnly Day { get; set; }

    public required string Change { get; set; }

    public required string Subject { get; set; }

    public required string Actor { get; set; }
}

/// <summary>Owner and auditor (as the REST roster); the rows a tenant sees are <see cref="RosterApi.Visible"/>'s.</summary>
[Authorize(Policy = Policies.RosterReaders)]
public sealed class TestimonyAccessRosterController(ComplianceDbContext db) : ReportingController<TestimonyAccessRosterRow>(db)
{
    protected override IQueryable<TestimonyAccessRosterRow> Rows() =>
        from r in RosterApi.Visible(Db, Db.Tenant)
        join o in Db.Set<HandlingOffice>().AsNoTracking() on r.OfficeId equals o.Id
        select new TestimonyAccessRosterRow
        {
            Id = r.Id,
            Seq = r.Seq,
            OfficeId = r.OfficeId,
            OfficeName = o.Name,
            Day = DateOnly.FromDateTime(r.At.UtcDateTime),
            Change = r.Change,
            Subject = r.Subject,
            Actor = r.Actor,
        };
}
