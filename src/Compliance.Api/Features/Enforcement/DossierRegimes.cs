namespace Compliance.Api.Features.Enforcement;

/// <summary>
/// The three bodies a dossier can be shaped for, each with its own headings (the rule's or form's own words), its own
/// completeness rules and its citations. <c>docs/escalation.md</c> maps every required content to these sections.
/// </summary>
/// <param name="reasonsRequired">Why a dossier without a statement of reasons is refused, citing the source.</param>
public abstract class DossierRegime(string code, string title, string authority, string filing, string reasonsRequired)
{
    public const string Cbp = "cbp-19cfr12.42";
    public const string EuFlr = "eu-flr";
    public const string LksgBafa = "lksg-bafa";

    public static readonly IReadOnlyList<string> All = [Cbp, EuFlr, LksgBafa];

    public string Code => code;

    public string Title => title;

    public string Authority => authority;

    /// <summary>How the receiver takes submissions.</summary>
    public string Filing => filing;

    /// <summary>The template under <c>templates/dossiers/</c>.</summary>
    public string Template => $"dossiers/{Code}.html.sbn";

    public static DossierRegime For(string code) => code switch
    {
        Cbp => new CbpRegime(),
        EuFlr => new EuFlrRegime(),
        LksgBafa => new BafaRegime(),
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown regime."),
    };

    /// <summary>What the regime's source requires and the evidence lacks, by field; empty when complete.</summary>
    public Dictionary<string, List<string>> Missing(string? statementOfReasons, IReadOnlyList<(string SiteName, SiteFacts Facts)> sites)
    {
        var missing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(statementOfReasons))
        {
            Add(missing, "statementOfReasons", reasonsRequired);
        }

        foreach (var (name, facts) in sites)
        {
            CheckSite(missing, name, facts);
        }

        return missing;
    }

    /// <summary>Adds what one site lacks for this regime.</summary>
    protected abstract void CheckSite(Dictionary<string, List<string>> missing, string siteName, SiteFacts facts);

    public abstract IReadOnlyList<DossierSection> Sections(Fact? reasons, IReadOnlyList<SiteFacts> sites);

    protected static void Add(Dictionary<string, List<string>> missing, string field, string message)
    {
        if (!missing.TryGetValue(field, out var list))
        {
            missing[field] = list = [];
        }

        list.Add(message);
    }

    protected static List<Fact> Concat(Fact? first, params IEnumerable<Fact>[] rest) =>
        [.. (first is null ? [] : new[] { first }).Concat(rest.SelectMany(r => r))];
}

/// <summary>US CBP, 19 CFR 12.42(b): reasons, merchandise, production facts; an incomplete communication is returned (12.42(c)).</summary>
public sealed class CbpRegime() : DossierRegime(
    Cbp,
    "Communication under 19 CFR 12.42(b): merchandise believed to be produced with forced labor",
    "U.S. Customs and Border Protection (Commissioner of CBP or any port director)",
    "CBP e-Allegations portal (https://eallegations.cbp.gov), attaching this dossier",
    "19 CFR 12.42(b)(1) requires a full statement of the reasons for the belief.")
{
    public const string Reasons = "Full statement of the reasons for the belief";
    public const string Merchandise = "Detailed description or sample of the merchandise";
    public const string Production = "All pertinent facts obtainable as to the production of the merchandise abroad";

    protected override void CheckSite(Dictionary<string, List<string>> missing, string siteName, SiteFacts facts)
    {
        if (facts.Products.Count == 0)
        {
            Add(missing, "merchandise", $"Site '{siteName}' has no product with a description and HS code (19 CFR 12.42(b)(2)): POST /api/v1/sites/{facts.SiteId}/products.");
        }

        if (!facts.HasProductionFacts)
        {
            Add(missing, "productionFacts", $"Site '{siteName}' has no facts about production in the period (19 CFR 12.42(b)(3)): no assessment, recruitment, passport, contract, audit or worker-reported evidence.");
        }
    }

    public override IReadOnlyList<DossierSection> Sections(Fact? reasons, IReadOnlyList<SiteFacts> sites) =>
    [
        new("12.42(b)(1)", Reasons, "19 CFR 12.42(b)(1)", Concat(reasons, sites.SelectMany(s => s.Indicators), sites.SelectMany(s => s.Discrepancies), sites.SelectMany(s => s.WorkerReported))),
        new("12.42(b)(2)", Merchandise, "19 CFR 12.42(b)(2)", [.. sites.SelectMany(s => s.Products)]),
        new("12.42(b)(3)", Production, "19 CFR 12.42(b)(3)", [.. sites.SelectMany(s => s.Producer.Concat(s.Fees).Concat(s.Passports).Concat(s.Contracts).Concat(s.Audits).Concat(s.RiskHistory))]),
    ];
}

/// <summary>
/// EU Forced Labour Regulation (EU) 2024/3015, submission of information through the Forced Labour Single Portal.
/// The article's wording could not be read from the stored corpus (see docs/escalation.md); the headings follow the
/// Regulation's submission article as the issue and the Regulation's public summaries describe it.
/// </summary>
public sealed class EuFlrRegime() : DossierRegime(
    EuFlr,
    "Submission of information under Regulation (EU) 2024/3015 (prohibition of products made with forced labour)",
    "European Commission or a Member State's competent authority",
    "Forced Labour Single Portal (Regulation (EU) 2024/3015; applies from 14 December 2027)",
    "A submission must substantiate the reasons for the claim that the products are made with forced labour (Regulation (EU) 2024/3015, submission of information).")
{
    public const string Operators = "Economic operators or products concerned";
    public const string Reasons = "Reasons substantiating the claim that the products are made with forced labour";
    public const string Supporting = "Supporting information";

    protected override void CheckSite(Dictionary<string, List<string>> missing, string siteName, SiteFacts facts)
    {
        if (facts.Products.Count == 0)
        {
            Add(missing, "products", $"Site '{siteName}' names no product concerned (description and HS code): POST /api/v1/sites/{facts.SiteId}/products.");
        }

        if (facts.Indicators.Count + facts.WorkerReported.Count + facts.Audits.Count + facts.Fees.Count + facts.Passports.Count == 0)
        {
            Add(missing, "indicators", $"Site '{siteName}' has no evidence in the period that substantiates forced labour (ILO indicators, recital 1).");
        }
    }

    public override IReadOnlyList<DossierSection> Sections(Fact? reasons, IReadOnlyList<SiteFacts> sites) =>
    [
        new("operators-and-products", Operators, "Regulation (EU) 2024/3015, submission of information (Forced Labour Single Portal)", [.. sites.SelectMany(s => s.Producer.Concat(s.Products))]),
        new("substantiated-reasons", Reasons, "Regulation (EU) 2024/3015, submission of information; ILO indicators of forced labour, recital 1", Concat(reasons, sites.SelectMany(s => s.Indicators), sites.SelectMany(s => s.WorkerReported), sites.SelectMany(s => s.Discrepancies))),
        new("supporting-information", Supporting, "Regulation (EU) 2024/3015, submission of information", [.. sites.SelectMany(s => s.Fees.Concat(s.Passports).Concat(s.Contracts).Concat(s.Audits).Concat(s.RiskHistory))]),
    ];
}

/// <summary>Germany, LkSG: a complaint or request to BAFA naming the company, the violation of a protected legal position, and the facts.</summary>
public sealed class BafaRegime() : DossierRegime(
    LksgBafa,
    "Complaint to BAFA under the Lieferkettensorgfaltspflichtengesetz (LkSG)",
    "Bundesamt für Wirtschaft und Ausfuhrkontrolle (BAFA)",
    "BAFA's online complaint form for the LkSG, attaching this dossier",
    "A complaint to BAFA must describe the violation and how the protected legal position is affected (LkSG § 14(1) no. 2).")
{
    public const string Company = "Company the complaint is directed against";
    public const string Violation = "Description of the violation (LkSG § 2(2) no. 3: prohibition of forced labour)";
    public const string Facts = "Facts and evidence";

    protected override void CheckSite(Dictionary<string, List<string>> missing, string siteName, SiteFacts facts)
    {
        if (facts.Indicators.Count + facts.WorkerReported.Count + facts.Audits.Count == 0)
        {
            Add(missing, "violation", $"Site '{siteName}' has no indicator of forced labour in the period (an assessment's evidence, a worker report or an audit finding) to substantiate the violation.");
        }
    }

    public override IReadOnlyList<DossierSection> Sections(Fact? reasons, IReadOnlyList<SiteFacts> sites) =>
    [
        new("company", Company, "BAFA complaint form: company concerned", [.. sites.SelectMany(s => s.Producer.Concat(s.Products))]),
        new("violation", Violation, "LkSG § 2(2) no. 3, § 14(1) no. 2; BAFA complaint form: description of the violation", Concat(reasons, sites.SelectMany(s => s.Indicators), sites.SelectMany(s => s.WorkerReported))),
        new("facts", Facts, "BAFA complaint form: evidence", [.. sites.SelectMany(s => s.Discrepancies.Concat(s.Fees).Concat(s.Passports).Concat(s.Contracts).Concat(s.Audits).Concat(s.RiskHistory))]),
    ];
}
