using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using NSec.Cryptography;
using UglyToad.PdfPig;

namespace Compliance.IntegrationTests.Enforcement;

/// <summary>
/// Issue #22 over HTTP and PostgreSQL: dossiers for CBP, the EU portal and BAFA built from evidence made through the API,
/// their completeness 400s, consent, k-suppression, the permit wall, the signature and byte-identical canonical JSON.
/// </summary>
public class DossiersTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static readonly string[] CbpHeadings =
    [
        "Full statement of the reasons for the belief",
        "Detailed description or sample of the merchandise",
        "All pertinent facts obtainable as to the production of the merchandise abroad",
    ];

    [Fact]
    public async Task Cbp_CompleteDossier_FromApiEvidence_CarriesEveryKindOfFact_WithSources()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();

        var view = await tenant.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", site.SiteId));
        var dossier = view.GetProperty("dossier");
        Assert.Equal(CbpHeadings, dossier.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("heading").GetString()));
        Assert.Equal(["19 CFR 12.42(b)(1)", "19 CFR 12.42(b)(2)", "19 CFR 12.42(b)(3)"], dossier.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("citation").GetString()));
        var facts = DossierIntents.Facts(dossier).ToList();
        string Value(string label) => facts.Single(f => f.GetProperty("label").GetString() == label).GetProperty("value").GetString()!;

        Assert.Contains("4015190000", facts.Select(f => f.GetProperty("label").GetString()).Single(l => l!.StartsWith("Product", StringComparison.Ordinal)));
        Assert.Equal("1", Value("Workers who paid recruitment-related fees"));
        Assert.Equal("1500.000 MYR", Value("Fees paid by workers, total in MYR"));
        Assert.Contains("interest: 24.000 %", Value("Fees financed by loans"), StringComparison.Ordinal);
        Assert.StartsWith("1 (employer-safekeeping: 1)", Value("Passports held by someone other than the worker at the end of the period"), StringComparison.Ordinal);
        Assert.StartsWith("1 of 1", Value("Passport access requests not honoured within 24 hours"), StringComparison.Ordinal);
        Assert.Equal("1", Value("Workers whose contract was substituted by one with different terms"));
        Assert.Equal("1", Value("Corrective actions overdue at the end of the period"));
        Assert.Contains(facts, f => f.GetProperty("label").GetString()!.StartsWith("FL09", StringComparison.Ordinal) && f.GetProperty("value").GetString()!.Contains("model ", StringComparison.Ordinal));
        Assert.Contains(facts, f => f.GetProperty("label").GetString()!.StartsWith("Risk level assessed on 2026-11-02", StringComparison.Ordinal));
        Assert.Equal("Workers at this site paid recruitment fees on loans and their passports are held.", Value("Statement of reasons (written by the submitting team)"));

        // Every fact names its source records with a SHA-256 each.
        Assert.All(facts, f => Assert.All(f.GetProperty("sources").EnumerateArray(), s => Assert.Matches("^[0-9a-f]{64}$", s.GetProperty("sha256").GetString())));
        Assert.All(facts, f => Assert.NotEqual(0, f.GetProperty("sources").GetArrayLength()));
    }

    [Fact]
    public async Task WorkerReportedCounts_BelowK_AreFewerThan5_AndNoPermitEvidence_NamesOrFreeText_ReachAnyDossier()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        foreach (var regime in new[] { "cbp-19cfr12.42", "eu-flr", "lksg-bafa" })
        {
            var view = await tenant.CreateDossierAsync(DossierIntents.Request(regime, site.SiteId, consentedTestimony: true));
            var id = view.GetProperty("id").GetGuid();
            var reported = DossierIntents.Facts(view.GetProperty("dossier")).Where(f => f.GetProperty("label").GetString()!.StartsWith("Worker-reported FL07", StringComparison.Ordinal)).ToList();
            Assert.Equal("fewer than 5", Assert.Single(reported).GetProperty("value").GetString());

            var json = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{id}.json")).Content.ReadAsStringAsync();
            var html = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{id}.html")).Content.ReadAsStringAsync();
            foreach (var text in new[] { json, html })
            {
                Assert.DoesNotContain(DossierIntents.PermitExpiry, text, StringComparison.Ordinal);
                Assert.DoesNotContain("FL01.work-permit-expired", text, StringComparison.Ordinal);
                Assert.DoesNotContain(site.EmployeeRef, text, StringComparison.Ordinal);
                Assert.DoesNotContain("Ahmad", text, StringComparison.Ordinal);
                Assert.DoesNotContain("passport is held", text, StringComparison.Ordinal);
                Assert.DoesNotContain("owe the agent", text, StringComparison.Ordinal);
                Assert.Contains("fewer than 5", text, StringComparison.Ordinal);
            }

            Assert.All(DossierIntents.Facts(view.GetProperty("dossier")), f => Assert.DoesNotContain("permit", f.GetProperty("label").GetString() + f.GetProperty("value").GetString(), StringComparison.OrdinalIgnoreCase));
            Assert.Contains(view.GetProperty("dossier").GetProperty("withheld").EnumerateArray(), w => w.GetProperty("why").GetString()!.Contains("permit evidence counted in the risk score", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("eu-flr", "Economic operators or products concerned", "Reasons substantiating the claim that the products are made with forced labour", "Supporting information")]
    [InlineData("lksg-bafa", "Company the complaint is directed against", "Description of the violation (LkSG § 2(2) no. 3: prohibition of forced labour)", "Facts and evidence")]
    public async Task EuAndBafa_CompleteDossiers_UseTheirOwnHeadings(string regime, string first, string second, string third)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var view = await tenant.CreateDossierAsync(DossierIntents.Request(regime, site.SiteId));
        var sections = view.GetProperty("dossier").GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal([first, second, third], sections.Select(s => s.GetProperty("heading").GetString()));
        Assert.All(sections, s => Assert.NotEqual(0, s.GetProperty("facts").GetArrayLength()));
        Assert.Equal(regime, view.GetProperty("dossier").GetProperty("regime").GetString());
        var html = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{view.GetProperty("id").GetGuid()}.html")).Content.ReadAsStringAsync();
        Assert.Contains(System.Net.WebUtility.HtmlEncode(second), html, StringComparison.Ordinal);
        Assert.Contains(view.GetProperty("sha256").GetString()!, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cbp_EachMissingPiece_Is400NamingIt_AndNothingIsWritten()
    {
        var tenant = await factory.CreateTenantAsync();
        var (bare, _, _) = await tenant.CreateSiteAsync();
        var before = await factory.CountRowsAsync("dossiers");

        var all = await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", bare, reasons: null));
        await Http.AssertValidationProblemAsync(all, "statementOfReasons", "merchandise", "productionFacts");

        // One piece missing at a time: the others present.
        var site = await tenant.EvidenceSiteAsync();
        var reasons = await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", site.SiteId, reasons: "  "));
        Assert.Equal(["statementOfReasons"], (await Http.JsonAsync(reasons, 400)).GetProperty("errors").EnumerateObject().Select(e => e.Name));

        var (noProduct, _, _) = await tenant.CreateSiteAsync();
        var audit = await Risk.RiskIntents.RecordAuditAsync(tenant, noProduct);
        await Risk.RiskIntents.RecordFindingAsync(tenant, audit, "FL08", "high");
        var merchandise = await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", noProduct));
        Assert.Equal(["merchandise"], (await Http.JsonAsync(merchandise, 400)).GetProperty("errors").EnumerateObject().Select(e => e.Name));

        var (noFacts, _, _) = await tenant.CreateSiteAsync();
        await tenant.AddProductAsync(noFacts);
        var production = await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", noFacts));
        Assert.Equal(["productionFacts"], (await Http.JsonAsync(production, 400)).GetProperty("errors").EnumerateObject().Select(e => e.Name));

        Assert.Equal(before, await factory.CountRowsAsync("dossiers"));
    }

    [Theory]
    [InlineData("eu-flr", new[] { "statementOfReasons", "products", "indicators" })]
    [InlineData("lksg-bafa", new[] { "statementOfReasons", "violation" })]
    public async Task EuAndBafa_MissingPieces_Are400NamingEach_FromTheirOwnLists(string regime, string[] fields)
    {
        var tenant = await factory.CreateTenantAsync();
        var (bare, _, _) = await tenant.CreateSiteAsync();
        var response = await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request(regime, bare, reasons: null));
        Assert.Equal(fields.Order(StringComparer.Ordinal), (await Http.JsonAsync(response, 400)).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from dossiers where tenant_id = @t", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task BadInput_Is400NamingTheField()
    {
        var tenant = await factory.CreateTenantAsync();
        var (site, _, _) = await tenant.CreateSiteAsync();
        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", new { regime = "ofac", siteIds = Array.Empty<Guid>(), periodFrom = "2026-02-01", periodTo = "2026-01-01" }),
            "regime", "siteIds", "periodTo");
        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", Guid.NewGuid())), "siteIds");
        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PostAsJsonAsync("/api/v1/dossiers", new { regime = "eu-flr", siteIds = new[] { site } }), "periodFrom", "periodTo");
    }

    /// <summary>
    /// DNH-5 and DNH-4 together. One consenting case: the body lists no per-case commitment but one aggregate, which the
    /// office's export (words, salts, aggregate salt) reproduces; withdrawn consent empties a re-created dossier's export,
    /// and the team that makes dossiers cannot tell one consenting case from none: the two bodies differ only in the
    /// aggregate's hex. Named mutations: skip <c>ConsentsTo</c> in <c>TestimonyReader.CommitForDossierAsync</c> (the
    /// re-created aggregate still covers the withdrawn case and the export stays full); list commitments from 1 instead
    /// of 5 in <c>DossierTestimony.Section</c> (the commitment array is no longer empty).
    /// </summary>
    [Fact]
    public async Task Testimony_OnlyWithTradeAuthorityConsent_BelowFiveAsOneAggregate_AndWithdrawnConsentRemovesIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var request = DossierIntents.Request("cbp-19cfr12.42", site.SiteId, consentedTestimony: true);

        var first = await tenant.CreateDossierAsync(request);
        var section = first.GetProperty("dossier").GetProperty("testimony");
        Assert.Equal(0, section.GetProperty("commitments").GetArrayLength());
        Assert.Equal("fewer than 5 cases (possibly none) whose worker consents to trade-authority, under one aggregate commitment so that their number does not show", section.GetProperty("included").GetString());
        var aggregate = section.GetProperty("aggregate").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", aggregate);

        // The handling office exports the words; with their salts and the aggregate salt they reproduce the signed aggregate.
        var handler = factory.Client(await tenant.KeyAsync(Roles.CaseHandler));
        var dossierId = first.GetProperty("id").GetGuid();
        var annex = await Http.JsonAsync(await handler.GetAsync($"/api/v1/dossiers/{dossierId}/testimony"));
        var item = Assert.Single(annex.GetProperty("items").EnumerateArray());
        Assert.Equal("They keep my passport and I owe the agent.", item.GetProperty("narrative").GetString());
        var commitment = SHA256.HashData([.. Convert.FromHexString(item.GetProperty("salt").GetString()!), .. Encoding.UTF8.GetBytes(item.GetProperty("narrative").GetString()!)]);
        Assert.Equal(Convert.ToHexStringLower(commitment), item.GetProperty("commitment").GetString());
        Assert.Equal(aggregate, Convert.ToHexStringLower(SHA256.HashData([.. Convert.FromHexString(annex.GetProperty("aggregateSalt").GetString()!), .. commitment])));
        Assert.Equal(0, annex.GetProperty("missing").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Owner.GetAsync($"/api/v1/dossiers/{dossierId}/testimony")).StatusCode);

        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/consent", new { receipt = site.ConsentingReceipt, consent = new Dictionary<string, bool> { ["trade-authority"] = false } }), 200);

        // The earlier dossier's aggregate no longer matches: nothing is exported, and the office is told why.
        var stale = await Http.JsonAsync(await handler.GetAsync($"/api/v1/dossiers/{dossierId}/testimony"));
        Assert.Equal(0, stale.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, stale.GetProperty("aggregateSalt").ValueKind);
        Assert.Equal(JsonValueKind.Null, stale.GetProperty("missing").ValueKind);
        Assert.Contains("Make the dossier again", stale.GetProperty("note").GetString(), StringComparison.Ordinal);

        var second = await tenant.CreateDossierAsync(request);
        var secondAnnex = await Http.JsonAsync(await handler.GetAsync($"/api/v1/dossiers/{second.GetProperty("id").GetGuid()}/testimony"));
        Assert.Equal(0, secondAnnex.GetProperty("items").GetArrayLength());
        Assert.Equal(0, secondAnnex.GetProperty("missing").GetInt32());

        // What the employer-side team sees: the body made over one case and the body made over none are the same bytes
        // but for the aggregate's 64 hex digits.
        var bytesOne = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{dossierId}.json")).Content.ReadAsStringAsync();
        var bytesNone = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{second.GetProperty("id").GetGuid()}.json")).Content.ReadAsStringAsync();
        var noneAggregate = second.GetProperty("dossier").GetProperty("testimony").GetProperty("aggregate").GetString()!;
        Assert.NotEqual(aggregate, noneAggregate);
        Assert.Equal(bytesOne.Replace(aggregate, "AGGREGATE", StringComparison.Ordinal), bytesNone.Replace(noneAggregate, "AGGREGATE", StringComparison.Ordinal));

        var without = await tenant.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", site.SiteId));
        Assert.Equal("not requested", without.GetProperty("dossier").GetProperty("testimony").GetProperty("included").GetString());
        Assert.Equal(JsonValueKind.Null, without.GetProperty("dossier").GetProperty("testimony").GetProperty("aggregate").ValueKind);
    }

    /// <summary>
    /// From 5 consenting cases the body lists one commitment per case and no aggregate, and the export matches each.
    /// Named mutation: <c>&gt;= k</c> to <c>&gt; k</c> in <c>DossierTestimony.Section</c> (five cases become an aggregate).
    /// </summary>
    [Fact]
    public async Task Testimony_FromFiveConsentingCases_OneCommitmentEach_EachMatchedByTheExport()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var coordinates = (site.SiteId, site.IntakeCode, site.SupplierId);
        for (var i = 0; i < 4; i++)
        {
            await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(narrative: $"Fees on a loan, worker statement {i}.", consent: new Dictionary<string, bool> { ["trade-authority"] = true }), coordinates);
        }

        var view = await tenant.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", site.SiteId, consentedTestimony: true));
        var section = view.GetProperty("dossier").GetProperty("testimony");
        Assert.Equal(JsonValueKind.Null, section.GetProperty("aggregate").ValueKind);
        Assert.Equal("5 cases whose worker consents to trade-authority, one commitment each", section.GetProperty("included").GetString());
        var commitments = section.GetProperty("commitments").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(5, commitments.Count);
        Assert.Equal(commitments.Order(StringComparer.Ordinal), commitments);

        var handler = factory.Client(await tenant.KeyAsync(Roles.CaseHandler));
        var annex = await Http.JsonAsync(await handler.GetAsync($"/api/v1/dossiers/{view.GetProperty("id").GetGuid()}/testimony"));
        var exported = annex.GetProperty("items").EnumerateArray()
            .Select(i => Convert.ToHexStringLower(SHA256.HashData([.. Convert.FromHexString(i.GetProperty("salt").GetString()!), .. Encoding.UTF8.GetBytes(i.GetProperty("narrative").GetString()!)])))
            .ToList();
        Assert.Equal(commitments, exported);
        Assert.Equal(0, annex.GetProperty("missing").GetInt32());
        Assert.Equal(JsonValueKind.Null, annex.GetProperty("aggregateSalt").ValueKind);
    }

    [Fact]
    public async Task Signature_VerifiesWithThePublishedKey_AndIdenticalInputs_GiveByteIdenticalCanonicalJson()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var request = DossierIntents.Request("cbp-19cfr12.42", site.SiteId, consentedTestimony: true);
        var a = await tenant.CreateDossierAsync(request);
        factory.Clock.Advance(TimeSpan.FromMinutes(7));
        var b = await tenant.CreateDossierAsync(request);
        Assert.NotEqual(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());

        var bytesA = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{a.GetProperty("id").GetGuid()}.json")).Content.ReadAsByteArrayAsync();
        var bytesB = await (await tenant.Owner.GetAsync($"/api/v1/dossiers/{b.GetProperty("id").GetGuid()}.json")).Content.ReadAsByteArrayAsync();
        Assert.Equal(bytesA, bytesB);
        Assert.Equal(a.GetProperty("sha256").GetString(), b.GetProperty("sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytesA)), a.GetProperty("sha256").GetString());

        var keys = await Http.JsonAsync(await factory.Client().GetAsync("/.well-known/dossier-keys"));
        var published = keys.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == a.GetProperty("keyId").GetString());
        Assert.Contains("BEGIN PUBLIC KEY", published.GetProperty("publicKeyPem").GetString(), StringComparison.Ordinal);
        var key = PublicKey.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(published.GetProperty("publicKey").GetString()!), KeyBlobFormat.RawPublicKey);
        var signature = Convert.FromBase64String(a.GetProperty("signature").GetString()!);
        Assert.True(SignatureAlgorithm.Ed25519.Verify(key, bytesA, signature));

        // One byte changed and the signature no longer holds.
        var tampered = (byte[])bytesA.Clone();
        tampered[^2] ^= 1;
        Assert.False(SignatureAlgorithm.Ed25519.Verify(key, tampered, signature));

        // New evidence changes the bytes.
        await tenant.AddProductAsync(site.SiteId);
        var c = await tenant.CreateDossierAsync(request);
        Assert.NotEqual(a.GetProperty("sha256").GetString(), c.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Pdf_TextHoldsTheThreeCbpHeadings_AndTheHash()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var view = await tenant.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", site.SiteId));
        var response = await tenant.Owner.GetAsync($"/api/v1/dossiers/{view.GetProperty("id").GetGuid()}.pdf");
        await Http.EnsureStatusAsync(response, 200);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var document = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        var flat = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        Assert.All(CbpHeadings, h => Assert.Contains(string.Concat(h.Where(c => !char.IsWhiteSpace(c))), flat, StringComparison.Ordinal));
        Assert.Contains(view.GetProperty("sha256").GetString()![..16], flat, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dossiers_AreForOwnerAndCompliance_AndAnotherTenantsIdIs404()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var compliance = await tenant.ClientAsync(Roles.Compliance);
        var id = (await tenant.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", site.SiteId), compliance)).GetProperty("id").GetGuid();
        foreach (var role in new[] { Roles.Auditor, Roles.Supplier })
        {
            var client = await tenant.ClientAsync(role, role == Roles.Supplier ? site.SupplierId : null);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", site.SiteId))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/dossiers/{id}")).StatusCode);
        }

        var other = await factory.CreateTenantAsync();
        foreach (var suffix in new[] { string.Empty, ".json", ".html", ".pdf" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.Owner.GetAsync($"/api/v1/dossiers/{id}{suffix}")).StatusCode);
        }

        Assert.Equal(0, (await Http.JsonAsync(await other.Owner.GetAsync("/api/v1/dossiers"))).GetProperty("totalCount").GetInt32());
        await Http.AssertValidationProblemAsync(await other.Owner.PostAsJsonAsync("/api/v1/dossiers", DossierIntents.Request("cbp-19cfr12.42", site.SiteId)), "siteIds");
        Assert.Equal(1, (await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/dossiers"))).GetProperty("totalCount").GetInt32());
    }
}
