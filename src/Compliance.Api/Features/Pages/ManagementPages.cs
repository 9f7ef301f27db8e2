using System.Globalization;
using Compliance.Api.Features.Billing;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Handling;
using Compliance.Api.Features.People;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// The tenant's management pages (issue #19): suppliers and sites (with each site's printable QR poster for the worker
/// page), members and API keys, escalation destinations, handling-office links and the testimony access roster. Every
/// list and every action calls the API's own handler under the policy its endpoint declares; a refused form comes
/// back with the API's reasons beside its fields, and a one-time secret (setup code, API key) is shown once, on the
/// answer to the form that made it, never again. Rendered by one generic template (<c>manage/section.sbn</c>): tables
/// and forms described here.
/// </summary>
public static class ManagementPages
{
    public const string Hub = "/console/manage";

    private static readonly PageQuery FirstPage = new(1, PageQuery.MaxPageSize);

    public static void Map(RouteGroupBuilder pages)
    {
        var manage = pages.MapGroup("/manage");
        manage.MapGet("/", HubPage).RequireAuthorization(Policies.ComplianceAdmin);
        manage.MapGet("/sites", SitesPageAsync).RequireAuthorization(Policies.ComplianceAdmin);
        manage.MapPost("/suppliers", CreateSupplierAsync).RequireAuthorization(Policies.ComplianceAdmin);
        manage.MapPost("/sites", CreateSiteAsync).RequireAuthorization(Policies.ComplianceAdmin);
        manage.MapGet("/sites/{id:guid}/poster", PosterAsync).RequireAuthorization(Policies.EmployerRead);
        manage.MapGet("/access", AccessPageAsync).RequireAuthorization(Policies.Owner);
        manage.MapPost("/members", InviteAsync).RequireAuthorization(Policies.Owner);
        manage.MapPost("/members/{id:guid}/disable", DisableMemberAsync).RequireAuthorization(Policies.Owner);
        manage.MapPost("/keys", CreateKeyAsync).RequireAuthorization(Policies.Owner);
        manage.MapPost("/keys/{id:guid}/revoke", RevokeKeyAsync).RequireAuthorization(Policies.Owner);
        manage.MapGet("/destinations", DestinationsPageAsync).RequireAuthorization(Policies.Owner);
        manage.MapGet("/links", LinksPageAsync).RequireAuthorization(Policies.Owner);
        manage.MapPost("/links", RequestLinkAsync).RequireAuthorization(Policies.Owner);
        manage.MapPost("/links/{id:guid}/end", EndLinkAsync).RequireAuthorization(Policies.Owner);
        manage.MapGet("/roster", RosterPageAsync).RequireAuthorization(Policies.Owner);
    }

    // ---- the generic section: tables and forms --------------------------------------------------------------------

    public sealed record Choice(string Value, string Label, bool Selected);

    public sealed record Field(string Name, string Label, string Type = "text", IReadOnlyList<Choice>? Options = null, string? Value = null, string? Error = null, bool Required = true);

    public sealed record Form(string Id, string Title, string Action, string Submit, IReadOnlyList<Field> Fields);

    public sealed record RowAction(string Url, string Label);

    public sealed record Row(IReadOnlyList<string> Cells, IReadOnlyList<RowAction> Actions, string? Link = null);

    public sealed record Table(string Id, string Caption, IReadOnlyList<string> Columns, IReadOnlyList<Row> Rows);

    public sealed record Secret(string Label, string Value, string Hint);

    private static IResult Section(
        HttpContext http, string title, string intro, IReadOnlyList<Table> tables, IReadOnlyList<Form> forms, Secret? secret = null, string? error = null, int status = StatusCodes.Status200OK) =>
        ConsoleView.Page(http, title, "manage/section", new { Heading = title, Intro = intro, Tables = tables, Forms = forms, Secret = secret, Error = error }, status);

    /// <summary>A field's posted value and its error (from the API's validation), so a refused form keeps what was typed.</summary>
    private static Field With(Field field, IFormCollection? form, IDictionary<string, string[]>? errors) =>
        field with
        {
            Value = form is null ? field.Value : ConsoleView.Field(form, field.Name),
            Options = field.Options is null || form is null ? field.Options : [.. field.Options.Select(o => o with { Selected = o.Value == ConsoleView.Field(form, field.Name) })],
            Error = errors is not null && errors.TryGetValue(field.Name, out var e) ? string.Join(" ", e) : null,
        };

    private static Form Filled(Form form, IFormCollection? posted, IDictionary<string, string[]>? errors) =>
        form with { Fields = [.. form.Fields.Select(f => With(f, posted, errors))] };

    private static IReadOnlyList<Choice> Options(IEnumerable<string> values, string? empty = null) =>
        [.. (empty is null ? [] : new[] { new Choice(string.Empty, empty, false) }), .. values.Select(v => new Choice(v, v, false))];


    private static IDictionary<string, string[]>? Validate(IValidatable request, Validator? v = null)
    {
        v ??= new Validator();
        request.Validate(v);
        return v.IsValid ? null : v.Errors;
    }

    /// <summary>An API handler's refusal: its field errors, or its title as the page's error.</summary>
    private static (IDictionary<string, string[]>? Errors, string? Error) Refusal(IResult result) => result switch
    {
        ValidationProblem v => (v.ProblemDetails.Errors, null),
        ProblemHttpResult p => (null, p.ProblemDetails.Detail ?? p.ProblemDetails.Title),
        _ => (null, null),
    };

    private static Guid? ParseGuid(string? value) => Guid.TryParse(value, out var g) ? g : null;

    // ---- hub ------------------------------------------------------------------------------------------------------

    private static IResult HubPage(HttpContext http, ConsoleStrings t)
    {
        var owner = http.User.IsInRole(Roles.Owner);
        var links = new List<Row> { new([t["manage_sites"]], [], Hub + "/sites") };
        if (owner)
        {
            links.Add(new([t["manage_access"]], [], Hub + "/access"));
            links.Add(new([t["manage_destinations"]], [], Hub + "/destinations"));
            links.Add(new([t["manage_links"]], [], Hub + "/links"));
            links.Add(new([t["manage_roster"]], [], Hub + "/roster"));
        }

        return Section(http, t["manage_title"], t["manage_intro"], [new Table("sections", t["manage_title"], [t["manage_section"]], links)], []);
    }

    // ---- suppliers and sites --------------------------------------------------------------------------------------

    private static Form SupplierForm(ConsoleStrings t) => new("new-supplier", t["manage_new_supplier"], Hub + "/suppliers", t["manage_add"],
    [
        new("name", t["field_name"]),
        new("countryCode", t["field_country"]),
        new("registrationNumber", t["field_registration"], Required: false),
    ]);

    private static Form SiteForm(ConsoleStrings t, IEnumerable<SuppliersApi.SupplierView> suppliers) => new("new-site", t["manage_new_site"], Hub + "/sites", t["manage_add"],
    [
        new("supplierId", t["field_supplier"], "select", [.. suppliers.Select(s => new Choice(s.Id.ToString(), s.Name, false))]),
        new("name", t["field_name"]),
        new("countryCode", t["field_country"]),
        new("sector", t["field_sector"]),
        new("workerHousing", t["field_housing"], "select", [new("false", t["no"], true), new("true", t["yes"], false)]),
    ]);

    private static async Task<IResult> SitesPageAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, CancellationToken ct) =>
        await SitesSectionAsync(http, db, t, null, null, null, null, ct);

    private static async Task<IResult> SitesSectionAsync(
        HttpContext http, ComplianceDbContext db, ConsoleStrings t, string? refusedForm, IFormCollection? posted, IDictionary<string, string[]>? errors, string? error, CancellationToken ct)
    {
        var suppliers = (await SuppliersApi.ListAsync(FirstPage, new SuppliersApi.SupplierFilter(null), db, ct)).Value!.Items;
        var sites = (await SitesApi.ListAsync(FirstPage, new SitesApi.SiteFilter(null, null), db, ct)).Value!.Items;
        var names = suppliers.ToDictionary(s => s.Id, s => s.Name);
        var supplierForm = SupplierForm(t);
        var siteForm = SiteForm(t, suppliers);
        return Section(
            http,
            t["manage_sites"],
            t["manage_sites_intro"],
            [
                new("suppliers", t["manage_suppliers"], [t["field_name"], t["field_country"], t["field_registration"]],
                    [.. suppliers.Select(s => new Row([s.Name, s.CountryCode, s.RegistrationNumber ?? "—"], []))]),
                new("sites", t["manage_site_list"], [t["field_name"], t["field_supplier"], t["field_country"], t["field_sector"], t["field_intake_code"]],
                    [.. sites.Select(s => new Row([s.Name, names.GetValueOrDefault(s.SupplierId, "—"), s.CountryCode, s.Sector, s.IntakeCode], [new($"{Hub}/sites/{s.Id}/poster", t["manage_poster"])]))]),
            ],
            [
                refusedForm == supplierForm.Id ? Filled(supplierForm, posted, errors) : supplierForm,
                refusedForm == siteForm.Id ? Filled(siteForm, posted, errors) : siteForm,
            ],
            error: error,
            status: refusedForm is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> CreateSupplierAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new SuppliersApi.SupplierRequest(ConsoleView.Field(form, "name"), ConsoleView.Field(form, "countryCode")?.ToUpperInvariant(), ConsoleView.Field(form, "registrationNumber"), null);
        if (Validate(request) is { } errors)
        {
            return await SitesSectionAsync(http, db, t, "new-supplier", form, errors, null, ct);
        }

        await SuppliersApi.CreateAsync(request, db, clock, ct);
        return ConsoleView.SeeOther(Hub + "/sites#suppliers");
    }

    private static async Task<IResult> CreateSiteAsync(HttpContext http, ComplianceDbContext db, IPlanLimits limits, ConsoleStrings t, TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new SitesApi.SiteRequest(
            ParseGuid(ConsoleView.Field(form, "supplierId")), ConsoleView.Field(form, "name"), ConsoleView.Field(form, "countryCode")?.ToUpperInvariant(),
            ConsoleView.Field(form, "sector"), ConsoleView.Field(form, "workerHousing") == "true");
        if (Validate(request) is { } errors)
        {
            return await SitesSectionAsync(http, db, t, "new-site", form, errors, null, ct);
        }

        var result = await SitesApi.CreateAsync(request, db, limits, clock, ct);
        if (result.Result is Created<SitesApi.SiteView>)
        {
            return ConsoleView.SeeOther(Hub + "/sites#sites");
        }

        var (fieldErrors, error) = Refusal(result.Result);
        return await SitesSectionAsync(http, db, t, "new-site", form, fieldErrors, error, ct);
    }

    /// <summary>A printable poster for a site: the worker page's address as a QR code and as text, nothing about the employer.</summary>
    private static async Task<IResult> PosterAsync(Guid id, HttpContext http, ComplianceDbContext db, ConsoleStrings t, CancellationToken ct)
    {
        if ((await SitesApi.GetAsync(id, db, ct)).Result is not Ok<SitesApi.SiteView> { Value: { } site })
        {
            return ConsoleView.NotFound(http);
        }

        var url = $"{http.Request.Scheme}://{http.Request.Host}/v/{site.IntakeCode}";
        return ConsoleView.Page(http, t["poster_title"], "manage/poster", new
        {
            SiteName = site.Name,
            Url = url,
            site.IntakeCode,
            Qr = ConsolePages.QrDataUri(url, pixelsPerModule: 12),
            Languages = Languages.Supported.Select(l => Languages.NativeNames[l]).ToList(),
        });
    }

    // ---- members and keys -----------------------------------------------------------------------------------------

    private static Form InviteForm(ConsoleStrings t, IEnumerable<SuppliersApi.SupplierView> suppliers) => new("invite", t["manage_invite"], Hub + "/members", t["manage_invite_submit"],
    [
        new("email", t["field_email"], "email"),
        new("displayName", t["field_display_name"]),
        new("role", t["field_role"], "select", Options(Roles.Tenant)),
        new("supplierId", t["field_supplier_for_role"], "select", [new(string.Empty, t["none"], true), .. suppliers.Select(s => new Choice(s.Id.ToString(), s.Name, false))], Required: false),
    ]);

    private static Form KeyForm(ConsoleStrings t, IEnumerable<SuppliersApi.SupplierView> suppliers) => new("new-key", t["manage_new_key"], Hub + "/keys", t["manage_new_key_submit"],
    [
        new("name", t["field_name"]),
        new("role", t["field_role"], "select", Options(Roles.Tenant)),
        new("supplierId", t["field_supplier_for_role"], "select", [new(string.Empty, t["none"], true), .. suppliers.Select(s => new Choice(s.Id.ToString(), s.Name, false))], Required: false),
        new("expiresOn", t["field_expires"], "date", Required: false),
    ]);

    private static Task<IResult> AccessPageAsync(HttpContext http, ComplianceDbContext db, TenantContext tenant, ConsoleStrings t, CancellationToken ct) =>
        AccessSectionAsync(http, db, tenant, t, null, null, null, null, null, ct);

    private static async Task<IResult> AccessSectionAsync(
        HttpContext http, ComplianceDbContext db, TenantContext tenant, ConsoleStrings t, string? refusedForm, IFormCollection? posted, IDictionary<string, string[]>? errors, string? error, Secret? secret, CancellationToken ct)
    {
        var suppliers = (await SuppliersApi.ListAsync(FirstPage, new SuppliersApi.SupplierFilter(null), db, ct)).Value!.Items;
        var members = (await MembersApi.ListTenantAsync(FirstPage, db, tenant, ct)).Value!.Items;
        var keys = (await ApiKeysApi.ListAsync(FirstPage, db, ct)).Value!.Items;
        var invite = InviteForm(t, suppliers);
        var key = KeyForm(t, suppliers);
        return Section(
            http,
            t["manage_access"],
            t["manage_access_intro"],
            [
                new("members", t["manage_members"], [t["field_display_name"], t["field_email"], t["field_role"], t["field_state"]],
                    [.. members.Select(m => new Row(
                        [m.DisplayName, m.Email, m.Role, m.DisabledAt is not null ? t["state_disabled"] : m.PasswordSet ? t["state_active"] : t["state_invited"]],
                        m.DisabledAt is null ? [new($"{Hub}/members/{m.Id}/disable", t["manage_disable"])] : []))]),
                new("keys", t["manage_keys"], [t["field_name"], t["field_role"], t["field_prefix"], t["field_created"], t["field_expires"], t["field_state"]],
                    [.. keys.Select(k => new Row(
                        [k.Name, k.Role, k.Prefix, PageData.Day(k.CreatedAt), k.ExpiresAt is { } e ? PageData.Day(e) : "—", k.RevokedAt is null ? t["state_active"] : t["state_revoked"]],
                        k.RevokedAt is null ? [new($"{Hub}/keys/{k.Id}/revoke", t["manage_revoke"])] : []))]),
            ],
            [
                refusedForm == invite.Id ? Filled(invite, posted, errors) : invite,
                refusedForm == key.Id ? Filled(key, posted, errors) : key,
            ],
            secret,
            error,
            refusedForm is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> InviteAsync(HttpContext http, ComplianceDbContext db, TenantContext tenant, PersonAccounts accounts, ConsoleStrings t, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new MembersApi.InviteMemberRequest(ConsoleView.Field(form, "email"), ConsoleView.Field(form, "displayName"), ConsoleView.Field(form, "role"), ParseGuid(ConsoleView.Field(form, "supplierId")));
        if (Validate(request) is { } errors)
        {
            return await AccessSectionAsync(http, db, tenant, t, "invite", form, errors, null, null, ct);
        }

        var result = await MembersApi.InviteAsync(request, db, tenant, accounts, ct);
        if (result.Result is Created<MembersApi.InvitedMember> { Value: { } invited })
        {
            var secret = new Secret(t["manage_setup_code"], invited.SetupCode, string.Format(CultureInfo.InvariantCulture, t["manage_setup_code_hint"], invited.Email, PageData.Day(invited.SetupCodeExpiresAt)));
            return await AccessSectionAsync(http, db, tenant, t, null, null, null, null, secret, ct);
        }

        var (fieldErrors, error) = Refusal(result.Result);
        return await AccessSectionAsync(http, db, tenant, t, "invite", form, fieldErrors, error, null, ct);
    }

    private static async Task<IResult> DisableMemberAsync(Guid id, HttpContext http, ComplianceDbContext db, TenantContext tenant, PersonAccounts accounts, CancellationToken ct) =>
        (await MembersApi.DisableTenantMemberAsync(id, db, tenant, accounts, ct)).Result is NoContent ? ConsoleView.SeeOther(Hub + "/access#members") : ConsoleView.NotFound(http);

    private static async Task<IResult> CreateKeyAsync(HttpContext http, ComplianceDbContext db, TenantContext tenant, ApiKeyIssuer issuer, ConsoleStrings t, TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var v = new Validator();
        DateTimeOffset? expiresAt = PageData.ParseDay(v, "expiresOn", ConsoleView.Field(form, "expiresOn")) is { } day ? new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
        var request = new ApiKeysApi.CreateApiKeyRequest(ConsoleView.Field(form, "name"), ConsoleView.Field(form, "role"), ParseGuid(ConsoleView.Field(form, "supplierId")), expiresAt);
        if (Validate(request, v) is { } errors)
        {
            return await AccessSectionAsync(http, db, tenant, t, "new-key", form, Renamed(errors, "expiresAt", "expiresOn"), null, null, ct);
        }

        var result = await ApiKeysApi.CreateAsync(request, db, issuer, clock, ct);
        if (result.Result is Created<ApiKeysApi.CreatedApiKey> { Value: { } created })
        {
            return await AccessSectionAsync(http, db, tenant, t, null, null, null, null, new Secret(t["manage_key_secret"], created.Key, t["manage_key_secret_hint"]), ct);
        }

        var (fieldErrors, error) = Refusal(result.Result);
        return await AccessSectionAsync(http, db, tenant, t, "new-key", form, fieldErrors is null ? null : Renamed(fieldErrors, "expiresAt", "expiresOn"), error, null, ct);
    }

    private static Dictionary<string, string[]> Renamed(IDictionary<string, string[]> errors, string from, string to) =>
        errors.ToDictionary(e => e.Key == from ? to : e.Key, e => e.Value);

    private static async Task<IResult> RevokeKeyAsync(Guid id, HttpContext http, ComplianceDbContext db, TimeProvider clock, ApiKeyCache cache, CancellationToken ct) =>
        (await ApiKeysApi.RevokeAsync(id, db, clock, cache, ct)).Result is NoContent ? ConsoleView.SeeOther(Hub + "/access#keys") : ConsoleView.NotFound(http);

    // ---- destinations, links, roster ------------------------------------------------------------------------------

    private static async Task<IResult> DestinationsPageAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, CancellationToken ct)
    {
        var destinations = (await DestinationsApi.ListAsync(FirstPage, db, ct)).Value!.Items;
        return Section(http, t["manage_destinations"], t["manage_destinations_intro"],
        [
            new("destinations", t["manage_destinations"], [t["field_name"], t["field_kind"], t["field_jurisdiction"], t["field_minimum_level"], t["field_state"]],
                [.. destinations.Select(d => new Row([d.Name, d.Kind, d.Jurisdiction, d.MinimumLevel, d.Active ? t["state_active"] : t["state_inactive"]], []))]),
        ], []);
    }

    private static Form LinkForm(ConsoleStrings t) => new("request-link", t["manage_request_link"], Hub + "/links", t["manage_request_link_submit"], [new("officeCode", t["field_office_code"])]);

    private static Task<IResult> LinksPageAsync(HttpContext http, ComplianceDbContext db, TenantContext scope, ConsoleStrings t, CancellationToken ct) =>
        LinksSectionAsync(http, db, scope, t, null, null, null, ct);

    private static async Task<IResult> LinksSectionAsync(
        HttpContext http, ComplianceDbContext db, TenantContext scope, ConsoleStrings t, IFormCollection? posted, IDictionary<string, string[]>? errors, string? error, CancellationToken ct)
    {
        var links = (await HandlingLinksApi.ListAsync(FirstPage, db, scope, ct)).Value!.Items;
        var refused = posted is not null;
        return Section(
            http,
            t["manage_links"],
            t["manage_links_intro"],
            [
                new("links", t["manage_links"], [t["field_office"], t["field_kind"], t["field_verified"], t["field_state"], t["field_requested"]],
                    [.. links.Select(l => new Row(
                        [l.OfficeName, l.OfficeKind, l.OfficeVerified ? t["yes"] : t["no"], l.State, PageData.Day(l.RequestedOn)],
                        l.EndedOn is null ? [new($"{Hub}/links/{l.Id}/end", t["manage_end_link"])] : []))]),
            ],
            [refused ? Filled(LinkForm(t), posted, errors) : LinkForm(t)],
            error: error,
            status: refused ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<IResult> RequestLinkAsync(HttpContext http, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster, ConsoleStrings t, TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new HandlingLinksApi.RequestLink(ConsoleView.Field(form, "officeCode"));
        if (Validate(request) is { } errors)
        {
            return await LinksSectionAsync(http, db, scope, t, form, errors, null, ct);
        }

        var result = await HandlingLinksApi.RequestAsync(request, db, scope, roster, clock, ct);
        if (result.Result is Created<HandlingLinksApi.LinkView>)
        {
            return ConsoleView.SeeOther(Hub + "/links#links");
        }

        var (fieldErrors, error) = Refusal(result.Result);
        return await LinksSectionAsync(http, db, scope, t, form, fieldErrors, error, ct);
    }

    private static async Task<IResult> EndLinkAsync(
        Guid id, HttpContext http, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster, ApiKeyCache cache, ConsoleStrings t, TimeProvider clock, CancellationToken ct) =>
        (await HandlingLinksApi.EndAsync(id, db, scope, roster, cache, clock, ct)).Result switch
        {
            Ok<HandlingLinksApi.LinkView> => ConsoleView.SeeOther(Hub + "/links#links"),
            ProblemHttpResult p => await LinksSectionAsync(http, db, scope, t, null, null, p.ProblemDetails.Detail ?? p.ProblemDetails.Title, ct),
            _ => ConsoleView.NotFound(http),
        };

    private static async Task<IResult> RosterPageAsync(HttpContext http, ComplianceDbContext db, TenantContext scope, ConsoleStrings t, CancellationToken ct)
    {
        var rows = (await RosterApi.ListAsync(FirstPage, db, scope, ct)).Value!.Items;
        return Section(http, t["manage_roster"], t["manage_roster_intro"],
        [
            new("roster", t["manage_roster"], [t["field_day"], t["field_office"], t["field_change"], t["field_subject"], t["field_actor"]],
                [.. rows.Select(r => new Row([PageData.Day(r.Day), r.OfficeName, r.Change, r.Subject, r.Actor], []))]),
        ], []);
    }
}
