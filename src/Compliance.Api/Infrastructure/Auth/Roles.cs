namespace Compliance.Api.Infrastructure.Auth;

/// <summary>The roles an API key can carry (BRIEF.md §2).</summary>
public static class Roles
{
    public const string Owner = "owner";
    public const string Compliance = "compliance";
    public const string Supplier = "supplier";
    public const string CaseHandler = "case-handler";
    public const string Auditor = "auditor";

    /// <summary>A handling office's administrator: manages the office's people, keys and links (never a tenant role).</summary>
    public const string OfficeAdmin = "office-admin";

    public static readonly IReadOnlyList<string> All = [Owner, Compliance, Supplier, CaseHandler, Auditor];

    /// <summary>What a tenant may mint for itself (keys and members): every employer-side role, never one that reads testimony.</summary>
    public static readonly IReadOnlyList<string> Tenant = [Owner, Compliance, Supplier, Auditor];

    /// <summary>The roles of a handling office's people.</summary>
    public static readonly IReadOnlyList<string> Office = [OfficeAdmin, CaseHandler];

    /// <summary>
    /// The one rule for whatever a tenant mints for itself, a key or a member: an employer-side role, never one that
    /// reads testimony (issue #18: a handling office gives those to its own people), and a supplier binding exactly for
    /// the supplier role.
    /// </summary>
    public static void ValidateTenantRole(Http.Validator v, string? role, Guid? supplierId, string what)
    {
        if (role is not null && Office.Contains(role))
        {
            v.Add("role", $"A tenant cannot create a {role} {what}: testimony is read by a handling office linked to the tenant, which gives that role to its own people (POST /api/v1/office/api-keys, /api/v1/office/members).");
            return;
        }

        if (!v.OneOf("role", role, Tenant))
        {
            return;
        }

        if (role == Supplier)
        {
            v.Check(supplierId is not null, "supplierId", "Required for the supplier role.");
        }
        else
        {
            v.Check(supplierId is null, "supplierId", $"Only a supplier {what} is bound to a supplier.");
        }
    }
}

/// <summary>Authorization policies; endpoint groups name one of these, never a role list inline.</summary>
public static class Policies
{
    /// <summary>Tenant administration: keys, billing, escalation destinations.</summary>
    public const string Owner = "owner";

    /// <summary>Reads employer-side records (never testimony).</summary>
    public const string EmployerRead = "employer-read";

    /// <summary>Writes employer-side records; supplier keys are narrowed to their supplier.</summary>
    public const string EmployerWrite = "employer-write";

    /// <summary>Tenant-wide compliance administration (suppliers, agencies): owner and compliance.</summary>
    public const string ComplianceAdmin = "compliance-admin";

    /// <summary>
    /// Reads and handles grievance testimony: case handlers and office admins; a person must have signed in with a
    /// second factor (<see cref="SecondFactorRequirement"/>), a key need not.
    /// </summary>
    public const string CaseHandler = "case-handler";

    /// <summary>A handling office's administration (its people): office admins of that office, with a second factor for people.</summary>
    public const string OfficeAdmin = "office-admin";

    /// <summary>Audit evidence writers: auditors, compliance and owner.</summary>
    public const string AuditWrite = "audit-write";

    /// <summary>Employer-side statistics and reports for tenant-wide roles (owner, compliance, auditor).</summary>
    public const string TenantReports = "tenant-reports";

    /// <summary>Either side of a handling link: the tenant owner or the office admin.</summary>
    public const string LinkParties = "link-parties";

    /// <summary>Who reads the testimony access roster: owner, auditor, office admin.</summary>
    public const string RosterReaders = "roster-readers";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder auth)
    {
        auth.AddPolicy(Owner, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner));
        auth.AddPolicy(EmployerRead, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Compliance, Roles.Supplier, Roles.Auditor));
        auth.AddPolicy(EmployerWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Compliance, Roles.Supplier));
        auth.AddPolicy(ComplianceAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Compliance));
        auth.AddPolicy(CaseHandler, p => p.RequireAuthenticatedUser().RequireRole(Roles.CaseHandler, Roles.OfficeAdmin)
            .AddRequirements(new SecondFactorRequirement()));
        auth.AddPolicy(OfficeAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.OfficeAdmin)
            .RequireClaim(ApiKeyAuthenticationHandler.OfficeClaim).AddRequirements(new SecondFactorRequirement()));
        auth.AddPolicy(AuditWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Compliance, Roles.Auditor));
        auth.AddPolicy(LinkParties, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.OfficeAdmin)
            .AddRequirements(new OfficeSecondFactorRequirement()));
        auth.AddPolicy(RosterReaders, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Auditor, Roles.OfficeAdmin)
            .AddRequirements(new OfficeSecondFactorRequirement()));
        auth.AddPolicy(TenantReports, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Compliance, Roles.Auditor));
    }
}
